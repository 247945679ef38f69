package io.k8j.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.function.Predicate;

/** Taint and toleration matching as upstream's {@code v1helper}. */
public final class Taints {
  private Taints() {}

  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String NO_EXECUTE = "NoExecute";
  public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";

  /** Upstream's {@code Toleration.ToleratesTaint}. */
  public static boolean tolerates(Toleration t, Taint taint) {
    if (!isEmpty(t.getEffect()) && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!isEmpty(t.getKey()) && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator();
    if (isEmpty(op) || op.equals("Equal")) {
      return nullToEmpty(t.getValue()).equals(nullToEmpty(taint.getValue()));
    }
    return op.equals("Exists");
  }

  public static boolean toleratedBy(Taint taint, List<Toleration> tolerations) {
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /** The first taint passing {@code filter} that no toleration tolerates, or null. */
  public static Taint findUntolerated(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> filter) {
    for (Taint taint : taints) {
      if (filter.test(taint) && !toleratedBy(taint, tolerations)) {
        return taint;
      }
    }
    return null;
  }

  /** Taints that keep new pods off a node: NoSchedule and NoExecute. */
  public static boolean blocksScheduling(Taint t) {
    return NO_SCHEDULE.equals(t.getEffect()) || NO_EXECUTE.equals(t.getEffect());
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

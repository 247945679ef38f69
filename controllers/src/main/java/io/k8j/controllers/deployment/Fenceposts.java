package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;

/**
 * maxSurge and maxUnavailable resolved against the replica count, as upstream's {@code
 * ResolveFenceposts}: percentages of surge round up, of unavailability down; if both come to zero,
 * one pod may be unavailable.
 */
final class Fenceposts {
  private Fenceposts() {}

  /** Upstream's {@code GetScaledValueFromIntOrPercent}. */
  static int scaled(IntOrString v, int total, boolean roundUp) {
    if (v == null) {
      return 0;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    if (s == null || !s.endsWith("%")) {
      throw new IllegalArgumentException("invalid value for IntOrString: " + s);
    }
    int pct = Integer.parseInt(s.substring(0, s.length() - 1));
    double value = (double) pct * total / 100;
    return (int) (roundUp ? Math.ceil(value) : Math.floor(value));
  }

  static boolean isRollingUpdate(Deployment d) {
    return d.getSpec().getStrategy() == null
        || d.getSpec().getStrategy().getType() == null
        || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
  }

  private static RollingUpdateDeployment rolling(Deployment d) {
    var s = d.getSpec().getStrategy();
    return s == null || s.getRollingUpdate() == null
        ? new RollingUpdateDeployment()
        : s.getRollingUpdate();
  }

  /** {surge, unavailable}. */
  static int[] resolve(Deployment d) {
    int desired = DeploymentSync.replicas(d);
    RollingUpdateDeployment ru = rolling(d);
    int surge = scaled(ru.getMaxSurge(), desired, true);
    int unavailable = scaled(ru.getMaxUnavailable(), desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  static int maxSurge(Deployment d) {
    return isRollingUpdate(d) ? resolve(d)[0] : 0;
  }

  static int maxUnavailable(Deployment d) {
    int replicas = DeploymentSync.replicas(d);
    if (!isRollingUpdate(d) || replicas == 0) {
      return 0;
    }
    return Math.min(resolve(d)[1], replicas);
  }
}

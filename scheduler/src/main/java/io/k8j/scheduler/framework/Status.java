package io.k8j.scheduler.framework;

import java.util.List;

/**
 * The result of running a plugin at one extension point, as upstream's {@code framework.Status}: a
 * code, the reasons a user reads (joined into the message) and the plugin that returned it.
 */
public final class Status {
  /** The codes a plugin returns, with upstream's meaning. */
  public enum Code {
    /** The plugin ran and the pod may go on. */
    SUCCESS,
    /** An internal error: the pod is retried with backoff, it says nothing about the node. */
    ERROR,
    /** The pod does not fit now; preemption might make it fit. */
    UNSCHEDULABLE,
    /** The pod does not fit and preemption would not help (e.g. a taint, a node selector). */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /** A permit plugin holds the pod until it is allowed or rejected. */
    WAIT,
    /** The plugin has nothing to do for this pod; its later extension points are skipped. */
    SKIP,
    /** The pod waits for something outside the scheduler (e.g. a resource to be provisioned). */
    PENDING
  }

  public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
  public static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

  private final Code code;
  private final List<String> reasons;
  private final String plugin;
  private final Throwable error;

  private Status(Code code, List<String> reasons, String plugin, Throwable error) {
    this.code = code;
    this.reasons = reasons;
    this.plugin = plugin;
    this.error = error;
  }

  public static Status of(Code code, String... reasons) {
    return new Status(code, List.of(reasons), null, null);
  }

  public static Status of(Code code, List<String> reasons) {
    return new Status(code, List.copyOf(reasons), null, null);
  }

  public static Status unschedulable(String... reasons) {
    return of(Code.UNSCHEDULABLE, reasons);
  }

  public static Status unresolvable(String... reasons) {
    return of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
  }

  public static Status error(String message) {
    return of(Code.ERROR, message);
  }

  public static Status error(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    return new Status(Code.ERROR, List.of(m), null, t);
  }

  public static Status waiting(String... reasons) {
    return of(Code.WAIT, reasons);
  }

  /** The same status, attributed to {@code pluginName}. */
  public Status withPlugin(String pluginName) {
    if (pluginName.equals(plugin)) {
      return this;
    }
    return new Status(code, reasons, pluginName, error);
  }

  public Code code() {
    return code;
  }

  public List<String> reasons() {
    return reasons;
  }

  /** The plugin that returned this status, or null. */
  public String plugin() {
    return plugin;
  }

  /** The exception behind an {@link Code#ERROR}, or null. */
  public Throwable error() {
    return error;
  }

  public String message() {
    return String.join(", ", reasons);
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  public boolean isSkip() {
    return code == Code.SKIP;
  }

  /** Unschedulable or unschedulable and unresolvable. */
  public boolean isRejected() {
    return code == Code.UNSCHEDULABLE
        || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
        || code == Code.PENDING;
  }

  @Override
  public String toString() {
    return code
        + (plugin == null ? "" : " by " + plugin)
        + (reasons.isEmpty() ? "" : ": " + message());
  }
}

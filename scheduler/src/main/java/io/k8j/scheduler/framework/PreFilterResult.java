package io.k8j.scheduler.framework;

import java.util.Set;

/**
 * What a pre-filter plugin returns: its status and, optionally, the only nodes worth filtering
 * (null for all), as upstream's {@code PreFilterResult}.
 */
public record PreFilterResult(Status status, Set<String> nodeNames) {
  private static final PreFilterResult OK = new PreFilterResult(Status.SUCCESS, null);
  private static final PreFilterResult SKIP = new PreFilterResult(Status.SKIP, null);

  public static PreFilterResult ok() {
    return OK;
  }

  public static PreFilterResult skip() {
    return SKIP;
  }

  public static PreFilterResult of(Status status) {
    return status.isSuccess() ? OK : new PreFilterResult(status, null);
  }

  public static PreFilterResult nodes(Set<String> names) {
    return new PreFilterResult(Status.SUCCESS, Set.copyOf(names));
  }

  public boolean allNodes() {
    return nodeNames == null;
  }
}

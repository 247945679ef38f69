package io.k8j.scheduler.framework;

/**
 * What a post-filter plugin returns: its status and what to do with the pod's {@code
 * status.nominatedNodeName} ({@code nominatedNodeName} null: leave it; empty: clear it; a node: set
 * it).
 */
public record PostFilterResult(Status status, String nominatedNodeName) {
  public static PostFilterResult of(Status status) {
    return new PostFilterResult(status, null);
  }
}

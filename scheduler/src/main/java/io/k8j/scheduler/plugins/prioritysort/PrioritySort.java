package io.k8j.scheduler.plugins.prioritysort;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.QueueSortPlugin;
import io.k8j.scheduler.framework.QueuedPodInfo;

/** Orders the active queue by priority, highest first, then by time in the queue. */
public final class PrioritySort implements QueueSortPlugin {
  public static final String NAME = "PrioritySort";

  public static PrioritySort create(JsonNode args, Handle handle) {
    return new PrioritySort();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
    int p1 = a.podInfo().priority();
    int p2 = b.podInfo().priority();
    return p1 > p2 || (p1 == p2 && a.timestamp().isBefore(b.timestamp()));
  }
}

package io.k8j.scheduler.framework;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An image as the scheduler sees it across the cluster: its size and on how many nodes it is. One
 * instance per image name is shared by every node that has it; the cache keeps the count.
 */
public final class ImageStateSummary {
  private final long sizeBytes;
  private final AtomicInteger numNodes = new AtomicInteger();

  public ImageStateSummary(long sizeBytes) {
    this.sizeBytes = sizeBytes;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public int numNodes() {
    return numNodes.get();
  }

  /** Called by the cache only. */
  public int adjustNodes(int delta) {
    return numNodes.addAndGet(delta);
  }
}

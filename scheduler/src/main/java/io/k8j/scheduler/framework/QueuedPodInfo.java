package io.k8j.scheduler.framework;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * A pod in the scheduling queue and its history there: when it was (re)queued, how many times it
 * was tried, which plugins rejected it last time. Owned by the queue; the scheduling cycle reads
 * it.
 */
public final class QueuedPodInfo {
  private volatile PodInfo podInfo;
  private Instant timestamp;
  private Instant initialAttemptTimestamp;
  private int attempts;
  private Set<String> unschedulablePlugins = Set.of();
  private Set<String> pendingPlugins = Set.of();
  private String gatingPlugin;
  private long enqueuedNanos;

  public QueuedPodInfo(PodInfo podInfo, Instant now, long nowNanos) {
    this.podInfo = podInfo;
    this.timestamp = now;
    this.enqueuedNanos = nowNanos;
  }

  public PodInfo podInfo() {
    return podInfo;
  }

  public void setPodInfo(PodInfo p) {
    this.podInfo = p;
  }

  /** When the pod was last added to the queue; the queue sort's tie breaker. */
  public Instant timestamp() {
    return timestamp;
  }

  public void setTimestamp(Instant t) {
    this.timestamp = t;
  }

  /** When the pod was first popped for a cycle, or null. */
  public Instant initialAttemptTimestamp() {
    return initialAttemptTimestamp;
  }

  public void setInitialAttemptTimestamp(Instant t) {
    this.initialAttemptTimestamp = t;
  }

  public int attempts() {
    return attempts;
  }

  public void incrementAttempts() {
    attempts++;
  }

  public Set<String> unschedulablePlugins() {
    return unschedulablePlugins;
  }

  public void setUnschedulablePlugins(Set<String> s) {
    this.unschedulablePlugins = new HashSet<>(s);
  }

  public Set<String> pendingPlugins() {
    return pendingPlugins;
  }

  public void setPendingPlugins(Set<String> s) {
    this.pendingPlugins = new HashSet<>(s);
  }

  /** The pre-enqueue plugin that keeps the pod out of the active queue, or null. */
  public String gatingPlugin() {
    return gatingPlugin;
  }

  public void setGatingPlugin(String p) {
    this.gatingPlugin = p;
  }

  public boolean gated() {
    return gatingPlugin != null;
  }

  /** {@link io.k8j.common.Clock#nanoTime()} when the pod first entered the queue. */
  public long enqueuedNanos() {
    return enqueuedNanos;
  }

  public void setEnqueuedNanos(long n) {
    this.enqueuedNanos = n;
  }

  @Override
  public String toString() {
    return podInfo.key() + " (attempts " + attempts + ")";
  }
}

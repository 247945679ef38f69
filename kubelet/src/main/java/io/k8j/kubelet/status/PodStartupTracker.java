package io.k8j.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.kubelet.util.PodNames;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a pod's start went (upstream's pod startup latency tracker): when the kubelet first saw the
 * pod, when its sandbox (network included) was up, when its last container was started, and when
 * the status saying Running was written to the API server. One INFO line per pod once it runs, and
 * the phases for {@code k8j bench pods}. Only a pod's first start is tracked; restarts are not.
 */
public final class PodStartupTracker {
  private static final Logger log = LoggerFactory.getLogger(PodStartupTracker.class);

  /**
   * The instants ({@link Clock#nanoTime()}) of one pod's start; 0 where it did not happen yet.
   *
   * @param seen the kubelet got the pod (from its watch or a manifest)
   * @param sandbox the pod's sandbox ran and had its address
   * @param started the pod's containers were all started
   * @param reported the API server took the status that says Running
   */
  public record Phases(long seen, long sandbox, long started, long reported) {}

  private final Clock clock;
  private final Map<String, Phases> pods = new ConcurrentHashMap<>();
  private final AtomicLong observed = new AtomicLong();

  public PodStartupTracker(Clock clock) {
    this.clock = clock;
  }

  public void seen(Pod pod) {
    pods.putIfAbsent(pod.getMetadata().getUid(), new Phases(clock.nanoTime(), 0, 0, 0));
  }

  public void sandboxReady(String uid) {
    pods.computeIfPresent(
        uid, (u, p) -> p.reported != 0 ? p : new Phases(p.seen, clock.nanoTime(), 0, 0));
  }

  public void containersStarted(String uid) {
    pods.computeIfPresent(
        uid,
        (u, p) ->
            p.reported != 0 || p.sandbox == 0
                ? p
                : new Phases(p.seen, p.sandbox, clock.nanoTime(), 0));
  }

  /**
   * The API server took a status of the pod with this phase; the write itself took {@code
   * writeNanos}.
   */
  public void reported(Pod pod, String phase, long writeNanos) {
    if (!"Running".equals(phase)) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    long now = clock.nanoTime();
    Phases[] done = new Phases[1];
    pods.computeIfPresent(
        uid,
        (u, p) -> {
          if (p.reported != 0) {
            return p;
          }
          long started = p.started == 0 ? now : p.started;
          long sandbox = p.sandbox == 0 ? started : p.sandbox;
          done[0] = new Phases(p.seen, sandbox, started, now);
          return done[0];
        });
    Phases p = done[0];
    if (p != null) {
      observed.incrementAndGet();
      log.info(
          "pod {} running {} ms after the kubelet saw it: sandbox {} ms, containers {} ms, status"
              + " written {} ms (the write {} ms)",
          PodNames.format(pod),
          millis(p.reported - p.seen),
          millis(p.sandbox - p.seen),
          millis(p.started - p.sandbox),
          millis(p.reported - p.started),
          millis(writeNanos));
    }
  }

  public Optional<Phases> phases(String uid) {
    return Optional.ofNullable(pods.get(uid));
  }

  /** How many pods were seen running (their first start). */
  public long observed() {
    return observed.get();
  }

  public void forget(String uid) {
    pods.remove(uid);
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}

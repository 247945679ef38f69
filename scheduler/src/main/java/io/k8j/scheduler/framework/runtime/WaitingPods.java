package io.k8j.scheduler.framework.runtime;

import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.WaitingPod;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The pods held at permit, by UID, each until every holding plugin allows it or one rejects it. */
final class WaitingPods {
  private final Map<String, Entry> pods = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  WaitingPods(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  Entry add(PodInfo pod, Map<String, Duration> plugins) {
    Entry e = new Entry(pod, plugins);
    pods.put(pod.uid(), e);
    return e;
  }

  WaitingPod get(String uid) {
    return pods.get(uid);
  }

  void remove(String uid) {
    pods.remove(uid);
  }

  final class Entry implements WaitingPod {
    private final PodInfo pod;
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    final CompletableFuture<Status> outcome = new CompletableFuture<>();

    Entry(PodInfo pod, Map<String, Duration> plugins) {
      this.pod = pod;
      plugins.forEach(
          (name, timeout) ->
              pending.put(
                  name,
                  timer.schedule(
                      () ->
                          reject(
                              name,
                              "rejected due to timeout after waiting "
                                  + timeout
                                  + " at plugin "
                                  + name),
                      timeout.toMillis(),
                      TimeUnit.MILLISECONDS)));
    }

    @Override
    public PodInfo pod() {
      return pod;
    }

    @Override
    public Set<String> pendingPlugins() {
      return Set.copyOf(pending.keySet());
    }

    @Override
    public void allow(String plugin) {
      ScheduledFuture<?> t = pending.remove(plugin);
      if (t != null) {
        t.cancel(false);
      }
      if (pending.isEmpty()) {
        outcome.complete(Status.SUCCESS);
      }
    }

    @Override
    public void reject(String plugin, String message) {
      pending.values().forEach(t -> t.cancel(false));
      outcome.complete(Status.unschedulable(message).withPlugin(plugin));
    }
  }
}

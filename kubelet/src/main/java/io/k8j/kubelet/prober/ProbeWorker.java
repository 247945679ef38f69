package io.k8j.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.k8j.common.Clock;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one container with one probe every {@code periodSeconds} (upstream's prober worker): not
 * before {@code initialDelaySeconds} after the container started, readiness and liveness only once
 * a startup probe succeeded, a result only after {@code successThreshold} or {@code
 * failureThreshold} equal outcomes in a row; after a liveness or startup failure it waits for the
 * next instance of the container.
 */
final class ProbeWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProbeWorker.class);

  private final Pod pod;
  private final Container container;
  private final String fieldPath;
  private final ProbeType type;
  private final Probe probe;
  private final Prober prober;
  private final ProbeResults results;
  private final ContainerLookup lookup;
  private final EventRecorder events;
  private final Clock clock;
  private final Consumer<String> onChange;
  private volatile boolean stopped;
  private Thread thread;

  private String containerId;
  private Boolean lastResult;
  private int resultRun;
  private boolean onHold;

  ProbeWorker(
      Pod pod,
      Container container,
      String fieldPath,
      ProbeType type,
      Prober prober,
      ProbeResults results,
      ContainerLookup lookup,
      EventRecorder events,
      Clock clock,
      Consumer<String> onChange) {
    this.pod = pod;
    this.container = container;
    this.fieldPath = fieldPath;
    this.type = type;
    this.probe =
        switch (type) {
          case LIVENESS -> container.getLivenessProbe();
          case READINESS -> container.getReadinessProbe();
          case STARTUP -> container.getStartupProbe();
        };
    this.prober = prober;
    this.results = results;
    this.lookup = lookup;
    this.events = events;
    this.clock = clock;
    this.onChange = onChange;
  }

  void start() {
    thread =
        Thread.ofVirtual()
            .name(
                "probe-"
                    + type.name().toLowerCase()
                    + "-"
                    + pod.getMetadata().getName()
                    + "/"
                    + container.getName())
            .start(this);
  }

  void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
    if (containerId != null) {
      results.remove(type, containerId);
    }
  }

  private int or(Integer v, int def) {
    return v == null || v == 0 ? def : v;
  }

  @Override
  public void run() {
    Duration period = Duration.ofSeconds(or(probe.getPeriodSeconds(), 10));
    while (!stopped) {
      try {
        doProbe();
      } catch (RuntimeException e) {
        log.debug("probe of {} failed to run: {}", container.getName(), e.toString());
      }
      try {
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void doProbe() {
    String uid = pod.getMetadata().getUid();
    Optional<ContainerLookup.Current> cur = lookup.current(uid, container.getName());
    if (cur.isEmpty() || cur.get().containerId() == null) {
      return;
    }
    ContainerLookup.Current c = cur.get();
    if (!c.containerId().equals(containerId)) {
      if (containerId != null) {
        results.remove(type, containerId);
      }
      containerId = c.containerId();
      lastResult = null;
      resultRun = 0;
      onHold = false;
      if (type == ProbeType.READINESS) {
        set(false);
      }
    }
    if (!c.running()) {
      if (type == ProbeType.READINESS) {
        set(false);
      }
      return;
    }
    if (onHold) {
      return;
    }
    if (type != ProbeType.STARTUP
        && container.getStartupProbe() != null
        && !Boolean.TRUE.equals(results.get(ProbeType.STARTUP, containerId).orElse(false))) {
      return;
    }
    Instant started = c.startedAt() == null ? Instant.EPOCH : c.startedAt();
    if (clock.now().isBefore(started.plusSeconds(or(probe.getInitialDelaySeconds(), 0)))) {
      return;
    }
    String podIp = lookup.podIp(uid).orElse("");
    ProbeOutcome o = prober.probe(pod, container, containerId, probe, podIp);
    if (stopped) {
      return;
    }
    if (!o.success()) {
      events.warning(
          pod,
          fieldPath,
          Reasons.UNHEALTHY,
          type.display() + " probe failed: " + o.output().strip());
    }
    if (lastResult != null && lastResult == o.success()) {
      resultRun++;
    } else {
      lastResult = o.success();
      resultRun = 1;
    }
    int successThreshold = or(probe.getSuccessThreshold(), 1);
    int failureThreshold = or(probe.getFailureThreshold(), 3);
    if ((!o.success() && resultRun < failureThreshold)
        || (o.success() && resultRun < successThreshold)) {
      return;
    }
    set(o.success());
    if (!o.success() && type != ProbeType.READINESS) {
      onHold = true;
      resultRun = 0;
    }
  }

  private void set(boolean success) {
    if (results.set(type, containerId, success)) {
      onChange.accept(pod.getMetadata().getUid());
    }
  }
}

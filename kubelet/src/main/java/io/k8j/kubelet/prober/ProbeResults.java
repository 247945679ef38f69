package io.k8j.kubelet.prober;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest result of each probe, by container instance (upstream's results manager). */
public final class ProbeResults {
  private final Map<String, Boolean> liveness = new ConcurrentHashMap<>();
  private final Map<String, Boolean> readiness = new ConcurrentHashMap<>();
  private final Map<String, Boolean> startup = new ConcurrentHashMap<>();

  private Map<String, Boolean> map(ProbeType t) {
    return switch (t) {
      case LIVENESS -> liveness;
      case READINESS -> readiness;
      case STARTUP -> startup;
    };
  }

  /** Sets a result; returns true when it changed. */
  boolean set(ProbeType t, String containerId, boolean success) {
    Boolean old = map(t).put(containerId, success);
    return old == null || old != success;
  }

  void remove(ProbeType t, String containerId) {
    map(t).remove(containerId);
  }

  public Optional<Boolean> get(ProbeType t, String containerId) {
    return Optional.ofNullable(map(t).get(containerId));
  }

  /** True when the container's liveness (or startup) probe has failed. */
  public boolean failed(ProbeType t, String containerId) {
    return Boolean.FALSE.equals(map(t).get(containerId));
  }
}

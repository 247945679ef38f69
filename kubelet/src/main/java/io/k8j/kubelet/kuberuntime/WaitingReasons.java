package io.k8j.kubelet.kuberuntime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why each container of one pod is waiting (upstream's reason cache): set when a start fails or is
 * backed off, cleared when the container starts, read by the status generator.
 */
public final class WaitingReasons {
  /** A waiting reason and its message. */
  public record Reason(String reason, String message) {}

  private final Map<String, Reason> byContainer = new ConcurrentHashMap<>();

  public void set(String container, String reason, String message) {
    byContainer.put(container, new Reason(reason, message));
  }

  public void clear(String container) {
    byContainer.remove(container);
  }

  public Optional<Reason> get(String container) {
    return Optional.ofNullable(byContainer.get(container));
  }
}

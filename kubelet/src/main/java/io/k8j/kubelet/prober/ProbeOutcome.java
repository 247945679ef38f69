package io.k8j.kubelet.prober;

/** The outcome of running a probe once: success or failure, and what it said. */
public record ProbeOutcome(boolean success, String output) {
  public static ProbeOutcome success(String output) {
    return new ProbeOutcome(true, output);
  }

  public static ProbeOutcome failure(String output) {
    return new ProbeOutcome(false, output);
  }
}

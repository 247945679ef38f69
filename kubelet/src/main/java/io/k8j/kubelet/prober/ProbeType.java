package io.k8j.kubelet.prober;

/** The three probes, with the word upstream's events use. */
public enum ProbeType {
  LIVENESS("Liveness"),
  READINESS("Readiness"),
  STARTUP("Startup");

  private final String display;

  ProbeType(String display) {
    this.display = display;
  }

  public String display() {
    return display;
  }
}

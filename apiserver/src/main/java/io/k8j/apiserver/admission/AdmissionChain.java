package io.k8j.apiserver.admission;

import java.util.List;

/**
 * The plugins of a server, run in order: every {@code admit}, then (after the kind's own checks)
 * every {@code validate}. The server creates the chain before its stores and installs the plugins
 * with {@link #use} once the stores they read exist; until then writes are admitted as they are.
 */
public final class AdmissionChain {
  /** No plugins: every write is admitted as it is. */
  public static final AdmissionChain NONE = new AdmissionChain(List.of());

  private volatile List<AdmissionPlugin> plugins;

  public AdmissionChain(List<AdmissionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
  }

  /** Installs the plugins, in upstream's order (see {@link AdmissionPlugin}). */
  public void use(List<AdmissionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
  }

  public List<AdmissionPlugin> plugins() {
    return plugins;
  }

  public void admit(AdmissionRequest request) {
    for (AdmissionPlugin p : plugins) {
      p.admit(request);
    }
  }

  public void validate(AdmissionRequest request) {
    for (AdmissionPlugin p : plugins) {
      p.validate(request);
    }
  }
}

package io.k8j.scheduler.config;

/** A plugin named in a profile, with its score weight (0: unset, which scoring reads as 1). */
public record PluginRef(String name, int weight) {
  public static PluginRef of(String name) {
    return new PluginRef(name, 0);
  }
}

package io.k8j.scheduler.config;

import java.util.List;

/**
 * The plugins enabled and disabled at one extension point of a profile; {@code "*"} in {@code
 * disabled} disables every default plugin there.
 */
public record PluginSet(List<PluginRef> enabled, List<String> disabled) {
  public static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

  public PluginSet {
    enabled = List.copyOf(enabled);
    disabled = List.copyOf(disabled);
  }

  public boolean disablesAll() {
    return disabled.contains("*");
  }
}

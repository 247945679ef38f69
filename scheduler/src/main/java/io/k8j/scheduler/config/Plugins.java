package io.k8j.scheduler.config;

import java.util.EnumMap;
import java.util.Map;

/** A profile's plugins: a multi-point set and one set per extension point. */
public record Plugins(PluginSet multiPoint, Map<ExtensionPoint, PluginSet> points) {
  public Plugins {
    Map<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
    for (ExtensionPoint p : ExtensionPoint.values()) {
      m.put(p, points.getOrDefault(p, PluginSet.EMPTY));
    }
    points = Map.copyOf(m);
  }

  public static Plugins of(PluginSet multiPoint) {
    return new Plugins(multiPoint, Map.of());
  }

  public PluginSet at(ExtensionPoint p) {
    return points.get(p);
  }
}

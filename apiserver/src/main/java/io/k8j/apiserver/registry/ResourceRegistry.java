package io.k8j.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every served resource, in the order discovery lists them. Groups keep the order of their first
 * resource; within a group, the first version declared is the preferred one. The built-in resources
 * are fixed; those of custom resource definitions come and go through {@link #replace}.
 */
public final class ResourceRegistry {
  private final List<ResourceDef> builtIn;
  private volatile List<ResourceDef> defs;
  private final Map<String, List<ResourceDef>> dynamic = new LinkedHashMap<>();

  public ResourceRegistry(List<ResourceDef> defs) {
    this.builtIn = List.copyOf(defs);
    this.defs = this.builtIn;
  }

  public List<ResourceDef> all() {
    return defs;
  }

  /**
   * Serves {@code added} as the resources of {@code owner} (a CRD's name), replacing what it served
   * before; an empty list removes them.
   */
  public synchronized void replace(String owner, List<ResourceDef> added) {
    if (added.isEmpty()) {
      dynamic.remove(owner);
    } else {
      dynamic.put(owner, List.copyOf(added));
    }
    List<ResourceDef> all = new ArrayList<>(builtIn);
    dynamic.values().forEach(all::addAll);
    defs = List.copyOf(all);
  }

  public Optional<ResourceDef> find(String group, String version, String plural) {
    return defs.stream()
        .filter(
            d ->
                d.group().equals(group) && d.version().equals(version) && d.plural().equals(plural))
        .findFirst();
  }

  /** Group name to its versions, preferred first; the core group is "". */
  public Map<String, List<String>> groupVersions() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceDef d : defs) {
      List<String> versions = out.computeIfAbsent(d.group(), g -> new ArrayList<>());
      if (!versions.contains(d.version())) {
        versions.add(d.version());
      }
    }
    return out;
  }

  public List<ResourceDef> inGroupVersion(String group, String version) {
    return defs.stream()
        .filter(d -> d.group().equals(group) && d.version().equals(version))
        .toList();
  }

  /** The distinct store prefixes, one watch cache each. */
  public List<String> storagePrefixes() {
    return defs.stream().map(ResourceDef::storagePrefix).distinct().toList();
  }
}

package io.k8j.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every served resource, in the order discovery lists them. Groups keep the order of their first
 * resource; within a group, the first version declared is the preferred one.
 */
public final class ResourceRegistry {
  private final List<ResourceDef> defs;

  public ResourceRegistry(List<ResourceDef> defs) {
    this.defs = List.copyOf(defs);
  }

  public List<ResourceDef> all() {
    return defs;
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

package io.k8j.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceRegistry;
import io.k8j.apiserver.registry.Subresource;
import java.util.List;
import java.util.Map;

/**
 * Discovery documents built from the registry: {@code /api}, {@code /apis}, {@code /apis/<g>},
 * {@code /api/v1} and {@code /apis/<g>/<v>} (legacy), and the aggregated {@code
 * APIGroupDiscoveryList} of {@code /api} and {@code /apis}.
 */
public final class Discovery {
  private final ResourceRegistry registry;

  public Discovery(ResourceRegistry registry) {
    this.registry = registry;
  }

  /** {@code /api}: the core group's versions. */
  public ObjectNode apiVersions(String serverAddress) {
    ObjectNode o = Json.object().put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    o.putArray("serverAddressByClientCIDRs")
        .addObject()
        .put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return o;
  }

  /** {@code /apis}: every named group. */
  public ObjectNode groupList() {
    ObjectNode o = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    for (Map.Entry<String, List<String>> g : registry.groupVersions().entrySet()) {
      if (!g.getKey().isEmpty()) {
        groups.add(group(g.getKey(), g.getValue()));
      }
    }
    return o;
  }

  /** {@code /apis/<group>}, or null when there is no such group. */
  public ObjectNode group(String name) {
    List<String> versions = registry.groupVersions().get(name);
    if (versions == null || name.isEmpty()) {
      return null;
    }
    return group(name, versions).put("kind", "APIGroup").put("apiVersion", "v1");
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode g = Json.object().put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion")
        .put("groupVersion", name + "/" + versions.getFirst())
        .put("version", versions.getFirst());
    return g;
  }

  /** {@code /api/v1} or {@code /apis/<g>/<v>}, or null when there is no such group-version. */
  public ObjectNode resourceList(String group, String version) {
    List<ResourceDef> defs = registry.inGroupVersion(group, version);
    if (defs.isEmpty()) {
      return null;
    }
    ObjectNode o = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1");
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = o.putArray("resources");
    for (ResourceDef d : defs) {
      ObjectNode r = resources.addObject();
      r.put("name", d.plural()).put("singularName", d.singular()).put("namespaced", d.namespaced());
      r.put("kind", d.kind());
      strings(r.putArray("verbs"), d.verbs());
      if (!d.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), d.shortNames());
      }
      if (!d.categories().isEmpty()) {
        strings(r.putArray("categories"), d.categories());
      }
      r.put("storageVersionHash", Integer.toHexString(d.storagePrefix().hashCode()));
      for (Subresource s : d.subresources()) {
        ObjectNode sr = resources.addObject();
        sr.put("name", d.plural() + "/" + s.name()).put("singularName", "");
        sr.put("namespaced", d.namespaced());
        if (s.group() != null) {
          sr.put("group", s.group()).put("version", s.version());
        }
        sr.put("kind", s.kind());
        strings(sr.putArray("verbs"), s.verbs());
      }
    }
    return o;
  }

  /** The aggregated discovery of {@code /api} (core) or {@code /apis} (named groups). */
  public ObjectNode aggregated(boolean core, String discoveryVersion) {
    ObjectNode o = Json.object().put("kind", "APIGroupDiscoveryList");
    o.put("apiVersion", "apidiscovery.k8s.io/" + discoveryVersion);
    o.putObject("metadata");
    ArrayNode items = o.putArray("items");
    for (Map.Entry<String, List<String>> g : registry.groupVersions().entrySet()) {
      if (g.getKey().isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      ObjectNode meta = item.putObject("metadata");
      if (!core) {
        meta.put("name", g.getKey());
      }
      ArrayNode versions = item.putArray("versions");
      for (String v : g.getValue()) {
        ObjectNode ver = versions.addObject().put("version", v);
        ArrayNode resources = ver.putArray("resources");
        for (ResourceDef d : registry.inGroupVersion(g.getKey(), v)) {
          resources.add(aggregatedResource(d));
        }
        ver.put("freshness", "Current");
      }
    }
    return o;
  }

  private static ObjectNode aggregatedResource(ResourceDef d) {
    ObjectNode r = Json.object().put("resource", d.plural());
    r.putObject("responseKind")
        .put("group", d.group())
        .put("version", d.version())
        .put("kind", d.kind());
    r.put("scope", d.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", d.singular());
    strings(r.putArray("verbs"), d.verbs());
    if (!d.shortNames().isEmpty()) {
      strings(r.putArray("shortNames"), d.shortNames());
    }
    if (!d.categories().isEmpty()) {
      strings(r.putArray("categories"), d.categories());
    }
    if (!d.subresources().isEmpty()) {
      ArrayNode subs = r.putArray("subresources");
      for (Subresource s : d.subresources()) {
        ObjectNode so = subs.addObject().put("subresource", s.name());
        so.putObject("responseKind")
            .put("group", s.group() == null ? d.group() : s.group())
            .put("version", s.version() == null ? d.version() : s.version())
            .put("kind", s.kind());
        strings(so.putArray("verbs"), s.verbs());
      }
    }
    return r;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}

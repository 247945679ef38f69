package io.k8j.controllers.garbagecollector;

import io.k8j.client.ApiResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Kinds to resources, from discovery: upstream's RESTMapper, enough for owner references. */
final class ResourceMapper {
  private final Map<String, ApiResource> byGroupKind = new ConcurrentHashMap<>();

  void update(List<ApiResource> resources) {
    for (ApiResource r : resources) {
      byGroupKind.put(r.group() + "/" + r.kind(), r);
    }
  }

  /** The resource of this apiVersion's group and kind, or null if none is served. */
  ApiResource resourceFor(String apiVersion, String kind) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return byGroupKind.get(group + "/" + kind);
  }
}

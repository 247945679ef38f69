package io.k8j.client;

import java.util.List;

/**
 * A resource the API server serves, as discovery names it.
 *
 * @param group "" for the core group
 * @param plural the resource name in URLs, e.g. {@code replicasets}
 */
public record ApiResource(
    String group,
    String version,
    String kind,
    String plural,
    boolean namespaced,
    List<String> verbs) {

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The group and kind, as {@code Kind.group} (upstream's GroupKind string). */
  public String groupKind() {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  public boolean supports(String verb) {
    return verbs.contains(verb);
  }

  /** The path of the collection, or of one object when {@code name} is not null. */
  public String path(String namespace, String name) {
    StringBuilder p =
        new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + apiVersion());
    if (namespaced && namespace != null && !namespace.isEmpty()) {
      p.append("/namespaces/").append(namespace);
    }
    p.append('/').append(plural);
    if (name != null) {
      p.append('/').append(name);
    }
    return p.toString();
  }
}

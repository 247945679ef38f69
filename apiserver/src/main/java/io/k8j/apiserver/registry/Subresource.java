package io.k8j.apiserver.registry;

import java.util.List;

/**
 * A subresource of a resource, as discovery lists it: {@code pods/status}, {@code
 * deployments/scale}.
 *
 * @param group the group of the subresource's kind ({@code autoscaling} for Scale), or null for the
 *     resource's own
 */
public record Subresource(
    String name, String group, String version, String kind, List<String> verbs) {
  public static final List<String> GET_UPDATE_PATCH = List.of("get", "patch", "update");

  public static Subresource status(String kind) {
    return new Subresource("status", null, null, kind, GET_UPDATE_PATCH);
  }

  public static Subresource scale() {
    return new Subresource("scale", "autoscaling", "v1", "Scale", GET_UPDATE_PATCH);
  }
}

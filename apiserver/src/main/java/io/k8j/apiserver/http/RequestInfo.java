package io.k8j.apiserver.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What an API request is about, parsed from its method, path and query as upstream's {@code
 * RequestInfoFactory} does: {@code /api/v1/namespaces/ns/pods/name/status} is verb get, group "",
 * version v1, namespace ns, resource pods, name name, subresource status.
 *
 * @param resourceRequest false for discovery and other non-resource paths
 */
public record RequestInfo(
    boolean resourceRequest,
    String verb,
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    List<String> parts) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** A request that is not for a resource (discovery, health, version, openapi, metrics). */
  static RequestInfo nonResource(String method, String path) {
    return new RequestInfo(false, method.toLowerCase(), "", "", "", "", "", "", split(path));
  }

  /**
   * Parses a request.
   *
   * @param watchParam whether {@code watch=true} (or 1) was given
   */
  public static RequestInfo parse(String method, String path, boolean watchParam) {
    List<String> parts = split(path);
    if (parts.isEmpty() || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
      return nonResource(method, path);
    }
    String group = "";
    List<String> rest;
    if (parts.get(0).equals("api")) {
      if (parts.size() < 3) {
        return nonResource(method, path);
      }
      rest = parts.subList(1, parts.size());
    } else {
      if (parts.size() < 4) {
        return nonResource(method, path);
      }
      group = parts.get(1);
      rest = parts.subList(2, parts.size());
    }
    String version = rest.get(0);
    List<String> cur = new ArrayList<>(rest.subList(1, rest.size()));
    String verb =
        switch (method) {
          case "POST" -> "create";
          case "GET", "HEAD" -> "get";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default -> method.toLowerCase();
        };
    boolean watchPrefix = false;
    if (!cur.isEmpty() && cur.get(0).equals("watch")) {
      watchPrefix = true;
      cur = new ArrayList<>(cur.subList(1, cur.size()));
    }
    if (cur.isEmpty()) {
      return nonResource(method, path);
    }
    String namespace = "";
    if (cur.get(0).equals("namespaces") && cur.size() > 1) {
      namespace = cur.get(1);
      if (cur.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(cur.get(2))) {
        cur = new ArrayList<>(cur.subList(2, cur.size()));
      }
    }
    String resource = cur.get(0);
    String name = cur.size() > 1 ? cur.get(1) : "";
    String subresource = cur.size() > 2 ? cur.get(2) : "";
    if (cur.size() > 3) {
      subresource = String.join("/", cur.subList(2, cur.size()));
    }
    if (watchPrefix && verb.equals("get")) {
      verb = "watch";
    } else if (verb.equals("get") && name.isEmpty()) {
      verb = watchParam ? "watch" : "list";
    } else if (verb.equals("get") && watchParam && subresource.isEmpty()) {
      verb = "watch";
    } else if (verb.equals("delete") && name.isEmpty()) {
      verb = "deletecollection";
    }
    return new RequestInfo(
        true, verb, group, version, namespace, resource, name, subresource, parts);
  }

  private static List<String> split(String path) {
    return new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
  }
}

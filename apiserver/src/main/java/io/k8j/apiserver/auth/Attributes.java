package io.k8j.apiserver.auth;

/**
 * What a request asks to do, as upstream's authorizer attributes: a verb on a resource (with its
 * group, subresource, namespace and name) or on a non-resource path.
 */
public record Attributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name,
    String path) {

  public static Attributes resource(
      UserInfo user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name) {
    return new Attributes(
        user, verb, true, nz(apiGroup), nz(resource), nz(subresource), nz(namespace), nz(name), "");
  }

  public static Attributes nonResource(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, false, "", "", "", "", "", path);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The resource with its subresource, as RBAC rules name it ({@code pods/log}). */
  public String combinedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /** Upstream's words for a denial: {@code User "x" cannot list resource "secrets" in ...}. */
  public String forbiddenMessage() {
    if (!resourceRequest) {
      return "User \"%s\" cannot %s path \"%s\"".formatted(user.name(), verb, path);
    }
    if (!namespace.isEmpty()) {
      return "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" in the namespace \"%s\""
          .formatted(user.name(), verb, combinedResource(), apiGroup, namespace);
    }
    return "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" at the cluster scope"
        .formatted(user.name(), verb, combinedResource(), apiGroup);
  }
}

package io.k8j.kubelet.server;

/**
 * What a kubelet API request asks of the node, as upstream's kubelet puts it to the authorizer: the
 * verb from the HTTP method, the resource {@code nodes} named after this node, and a subresource
 * from the path ({@code /stats} stats, {@code /metrics} metrics, {@code /logs} log, {@code /spec}
 * spec, everything else, exec, attach, portForward and containerLogs included, proxy).
 */
public record KubeletRequestAttributes(String node, String verb, String subresource, String path) {

  public static KubeletRequestAttributes of(String node, String method, String path) {
    String verb =
        switch (method) {
          case "POST" -> "create";
          case "GET" -> "get";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default -> "";
        };
    String subresource;
    if (isSubpath(path, "/stats")) {
      subresource = "stats";
    } else if (isSubpath(path, "/metrics")) {
      subresource = "metrics";
    } else if (isSubpath(path, "/logs")) {
      subresource = "log";
    } else if (isSubpath(path, "/spec")) {
      subresource = "spec";
    } else {
      subresource = "proxy";
    }
    return new KubeletRequestAttributes(node, verb, subresource, path);
  }

  /** Upstream's isSubpath: the path itself or below it, never a sibling sharing its prefix. */
  private static boolean isSubpath(String path, String prefix) {
    String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return path.equals(trimmed) || path.startsWith(trimmed + "/");
  }
}

package io.k8j.apiserver.auth;

import java.util.List;

/**
 * Who a client certificate names: the user (the certificate's CN) and its groups (O), as upstream
 * reads an x509 client certificate.
 */
public record Identity(String user, List<String> groups) {
  public static final Identity ADMIN = new Identity("kubernetes-admin", List.of("system:masters"));
  public static final Identity SCHEDULER = new Identity("system:kube-scheduler", List.of());

  public static final Identity CONTROLLER_MANAGER =
      new Identity("system:kube-controller-manager", List.of());
  public static final Identity KUBE_PROXY = new Identity("system:kube-proxy", List.of());
  public static final Identity CLUSTER_DNS = new Identity("system:kube-dns", List.of());

  /**
   * The API server as a client of the kubelets (logs, exec, stats), bound to {@code
   * system:kubelet-api-admin}.
   */
  public static final Identity KUBELET_CLIENT =
      new Identity("kube-apiserver-kubelet-client", List.of());

  public Identity {
    groups = List.copyOf(groups);
  }

  /** The kubelet of node {@code nodeName}: {@code system:node:<name>} in {@code system:nodes}. */
  public static Identity node(String nodeName) {
    return new Identity("system:node:" + nodeName, List.of("system:nodes"));
  }

  /** The base of the file names its certificate, key and kubeconfig get under the pki dir. */
  String fileName() {
    return user.replaceAll("[^A-Za-z0-9._-]", "-");
  }
}

package io.k8j.cli;

import io.k8j.kubelet.RuntimeKind;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags of the node part (kubelet, proxy, DNS) that {@code server} and {@code agent} share. */
final class NodeFlags {
  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "This node's name (default: the host name, ${DEFAULT-VALUE}).")
  String nodeName = HostNames.localName();

  @Option(
      names = "--node-ip",
      paramLabel = "IP",
      description = "This node's address (default: detected).")
  String nodeIp;

  @Option(
      names = "--runtime",
      paramLabel = "KIND",
      description =
          "How pods run: ${COMPLETION-CANDIDATES} (default: CRI when containerd and runc are"
              + " installed, else PROCESS).")
  RuntimeKind runtime;

  @Option(
      names = "--container-runtime-endpoint",
      paramLabel = "SOCKET",
      description = "An existing containerd socket to use instead of starting containerd.")
  Path containerRuntimeEndpoint;

  @Option(
      names = "--cluster-cidr",
      paramLabel = "CIDR",
      description = "The range pod IPs come from (default: ${DEFAULT-VALUE}).")
  String clusterCidr = "10.42.0.0/16";

  @Option(
      names = "--cluster-dns",
      paramLabel = "IP",
      description =
          "The cluster DNS Service's IP (kube-system/kube-dns), put in pods' resolv.conf"
              + " (default: ${DEFAULT-VALUE}).")
  String clusterDns = "10.43.0.10";

  @Option(
      names = "--cluster-dns-port",
      paramLabel = "PORT",
      description =
          "The port cluster DNS answers on, on every address; 0 turns it off (default:"
              + " ${DEFAULT-VALUE}).")
  int clusterDnsPort = 53;

  @Option(
      names = "--cluster-dns-metrics-port",
      paramLabel = "PORT",
      description =
          "The port cluster DNS serves its Prometheus /metrics on, on every address (CoreDNS's"
              + " prometheus plugin; the kube-dns Service's metrics port); 0 turns it off"
              + " (default: ${DEFAULT-VALUE}).")
  int clusterDnsMetricsPort = 9153;

  @Option(
      names = "--kubelet-port",
      paramLabel = "PORT",
      description = "The kubelet API's HTTPS port (default: ${DEFAULT-VALUE}).")
  int kubeletPort = 10250;

  @Option(
      names = "--disable-kube-proxy",
      description = "Run no service proxy on this node (another one already routes Services).")
  boolean disableKubeProxy;
}

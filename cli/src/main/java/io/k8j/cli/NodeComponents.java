package io.k8j.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.auth.Identity;
import io.k8j.dns.ClusterDns;
import io.k8j.dns.DnsOptions;
import io.k8j.dns.service.KubeDnsService;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node part of a machine, the same for {@code k8j server} and {@code k8j agent}: the kubelet
 * with its runtime, the service proxy and cluster DNS, each a client of the API server with the
 * node's credential ({@code system:node:<name>}). Closed in the reverse order of starting.
 */
final class NodeComponents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeComponents.class);
  private volatile boolean closed;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Function<Identity, String> kubeconfigs;

  private NodeComponents(Function<Identity, String> kubeconfigs) {
    this.kubeconfigs = kubeconfigs;
  }

  /**
   * Starts the node's parts, keeping their state under {@code dataDir}; each part is a client with
   * the credential (a kubeconfig's YAML text) {@code kubeconfigs} gives for its identity: the
   * node's, the proxy's ({@code system:kube-proxy}) and DNS's ({@code system:kube-dns}). A joined
   * node has only its own, and gives it for every identity.
   */
  static NodeComponents start(NodeFlags flags, Path dataDir, Function<Identity, String> kubeconfigs)
      throws Exception {
    NodeComponents c = new NodeComponents(kubeconfigs);
    try {
      c.startParts(flags, dataDir);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private void startParts(NodeFlags flags, Path dataDir) throws Exception {
    Identity node = Identity.node(flags.nodeName);
    RuntimeKind.Choice runtime =
        flags.runtime == null
            ? RuntimeKind.detect()
            : new RuntimeKind.Choice(flags.runtime, "asked for with --runtime");
    LOG.info("node {}: runtime {} ({})", flags.nodeName, runtime.kind(), runtime.reason());
    KubeletOptions.Builder kubelet =
        KubeletOptions.builder(flags.nodeName, dataDir)
            .runtime(runtime.kind())
            .port(flags.kubeletPort)
            .clusterCidr(flags.clusterCidr)
            .clusterDns(List.of(flags.clusterDns));
    if (flags.containerRuntimeEndpoint != null) {
      kubelet.containerdSocket(flags.containerRuntimeEndpoint);
    } else if (runtime.kind() == RuntimeKind.CRI) {
      // the node's bridge gets the range the controller manager assigns; nodes route to each other
      kubelet.podCidrFromNode();
    }
    if (flags.nodeIp != null) {
      kubelet.nodeIp(flags.nodeIp);
    }
    Kubelet k = add(new Kubelet(client(node), kubelet.build()));
    k.start();
    announceWhenReady(client(node), flags.nodeName);
    if (!flags.disableKubeProxy) {
      List<String> addresses = flags.nodeIp == null ? List.of() : List.of(flags.nodeIp);
      ServiceProxy proxy =
          add(
              new ServiceProxy(
                  client(Identity.KUBE_PROXY),
                  ProxyOptions.defaults(flags.nodeName, addresses)
                      .withClusterCidr(flags.clusterCidr)));
      proxy.start();
    }
    if (flags.clusterDnsPort > 0) {
      ClusterDns dns =
          add(
              new ClusterDns(
                  client(Identity.CLUSTER_DNS),
                  DnsOptions.defaults()
                      .withListen(InetAddress.getByName("0.0.0.0"), flags.clusterDnsPort)
                      .withMetricsPort(
                          flags.clusterDnsMetricsPort > 0 ? flags.clusterDnsMetricsPort : -1)));
      dns.start();
      LOG.info("cluster DNS answering on {}", dns.address());
      InetSocketAddress metrics = dns.metricsAddress();
      KubeDnsService.advertise(
          client(node),
          flags.nodeName,
          dns.address().getPort(),
          metrics == null ? 0 : metrics.getPort());
    }
  }

  /** Says, once, when the API server first shows this node Ready (registration, runtime, CNI). */
  private void announceWhenReady(KubernetesClient client, String nodeName) {
    Thread.ofVirtual()
        .name("node-ready-" + nodeName)
        .start(
            () -> {
              while (!closed) {
                try {
                  var n = client.nodes().withName(nodeName).get();
                  boolean ready =
                      n != null
                          && n.getStatus() != null
                          && n.getStatus().getConditions().stream()
                              .anyMatch(
                                  c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
                  if (ready) {
                    LOG.info("node {} is Ready", nodeName);
                    System.out.printf(
                        "k8j: node %s is Ready; see it with: kubectl get nodes -o wide%n",
                        nodeName);
                    return;
                  }
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // the API server may be starting or going away: ask again
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException ie) {
                    return;
                  }
                }
              }
            });
  }

  /** A client of the API server with the credential {@code identity} has on this node. */
  private KubernetesClient client(Identity identity) {
    Config config = Config.fromKubeconfig(kubeconfigs.apply(identity));
    return add(new KubernetesClientBuilder().withConfig(config).build());
  }

  private <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  @Override
  public void close() {
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}

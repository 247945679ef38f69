package io.k8j.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.dns.ClusterDns;
import io.k8j.dns.DnsOptions;
import io.k8j.dns.service.KubeDnsService;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A node for {@link MultiNodeIT} until {@code k8j agent} can join one: kubelet (own containerd, pod
 * range from the Node), service proxy and cluster DNS, as {@code k8j server} runs them for its own
 * node, with the kubeconfig it is given. Arguments: kubeconfig, node name, node IP, data dir.
 */
public final class TestAgent {
  private TestAgent() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    String name = args[1];
    String ip = args[2];
    Path dataDir = Path.of(args[3]);
    Deque<AutoCloseable> started = new ArrayDeque<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  while (!started.isEmpty()) {
                    try {
                      started.pop().close();
                    } catch (Exception e) {
                      System.err.println("closing: " + e);
                    }
                  }
                }));
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
    started.push(client);
    Kubelet kubelet =
        new Kubelet(
            client,
            KubeletOptions.builder(name, dataDir)
                .runtime(RuntimeKind.CRI)
                .nodeIp(ip)
                .clusterDns(List.of("10.43.0.10"))
                .podCidrFromNode()
                .build());
    started.push(kubelet);
    kubelet.start();
    ServiceProxy proxy =
        new ServiceProxy(
            client, ProxyOptions.defaults(name, List.of(ip)).withClusterCidr("10.42.0.0/16"));
    started.push(proxy);
    proxy.start();
    ClusterDns dns =
        new ClusterDns(
            client, DnsOptions.defaults().withListen(InetAddress.getByName("0.0.0.0"), 53));
    started.push(dns);
    dns.start();
    KubeDnsService.advertise(client, name, 53);
    System.out.println("test agent " + name + " running");
    Thread.currentThread().join();
  }
}

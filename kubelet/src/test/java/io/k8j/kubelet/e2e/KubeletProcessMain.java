package io.k8j.kubelet.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A kubelet in a process of its own, for the crash test to kill with SIGKILL: {@code
 * KubeletProcessMain KUBECONFIG NODE DATA_DIR POD_CIDR}. Prints {@code STARTED} once running.
 */
public final class KubeletProcessMain {
  private KubeletProcessMain() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Kubelet kubelet = new Kubelet(client, options(args[1], Path.of(args[2]), args[3]));
    kubelet.start();
    System.out.println("STARTED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** The options of both the killed and the restarted kubelet. */
  static KubeletOptions options(String node, Path dataDir, String podCidr) {
    return KubeletOptions.builder(node, dataDir)
        .runtime(RuntimeKind.CRI)
        .podCidr(podCidr)
        .port(0)
        .bindAddress("127.0.0.1")
        .syncFrequency(Duration.ofSeconds(2))
        .plegRelistPeriod(Duration.ofMillis(500))
        .housekeepingPeriod(Duration.ofSeconds(1))
        .nodeStatusUpdateFrequency(Duration.ofSeconds(2))
        .crashLoopBackOff(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .build();
  }
}

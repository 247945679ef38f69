package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.testing.etcd.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two {@code ./k8j server}s on one etcd (the second with the first's pki, as kubeadm's copied
 * certificates): one cluster, served by both, with exactly one controller manager and one scheduler
 * acting; when the leading server stops, the other takes over.
 */
class HighAvailabilityIT {
  @Test
  void twoServersOnOneEtcdAreOneClusterAndTheSurvivorTakesOver() throws Exception {
    try (EtcdCluster etcd = EtcdCluster.start(1)) {
      String endpoints = String.join(",", etcd.clientEndpoints());
      try (K8jServer a = K8jServer.start("--disable-agent", "--datastore-endpoint", endpoints)) {
        Path bDir = Files.createTempDirectory("k8j-e2e-server-b-");
        copyTree(a.dataDir().resolve("pki"), bDir.resolve("pki"));
        try (K8jServer b =
            K8jServer.startIn(bDir, "--disable-agent", "--datastore-endpoint", endpoints)) {
          Kubectl ka = new Kubectl(a.kubeconfig());
          Kubectl kb = new Kubectl(b.kubeconfig());

          // one cluster: written through one server, read through the other
          ok(ka, "create", "configmap", "shared", "--from-literal=k=v");
          assertThat(ok(kb, "get", "configmap", "shared", "-o", "jsonpath={.data.k}"))
              .isEqualTo("v");

          // services created through both servers in turn never share an address
          List<String> ips = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            Kubectl k = i % 2 == 0 ? ka : kb;
            ok(k, "create", "service", "clusterip", "s" + i, "--tcp=80:80");
            ips.add(ok(k, "get", "service", "s" + i, "-o", "jsonpath={.spec.clusterIP}"));
          }
          assertThat(new HashSet<>(ips)).as("cluster IPs %s", ips).hasSize(6);

          // exactly one controller manager leads; find whose it is
          String holder = awaitHolder(kb, "kube-controller-manager", null);
          K8jServer leader = a.output().contains(holder + " acquired lease") ? a : b;
          K8jServer survivor = leader == a ? b : a;
          Kubectl ks = leader == a ? kb : ka;
          assertThat(survivor.output())
              .as("the other server's controller manager is not leading")
              .doesNotContain(holder + " acquired lease");

          leader.stop();
          String next = awaitHolder(ks, "kube-controller-manager", holder);
          assertThat(survivor.output()).contains(next + " acquired lease");

          // and the new leader acts: a Deployment gets its ReplicaSet
          ok(ks, "create", "deployment", "web", "--image=busybox:1.35", "--replicas=2");
          await()
              .atMost(Duration.ofSeconds(90))
              .untilAsserted(
                  () ->
                      assertThat(ok(ks, "get", "replicasets", "-l", "app=web", "-o", "name"))
                          .startsWith("replicaset.apps/web-"));
        }
      }
    }
  }

  /** The lease's holder once it is held by someone other than {@code not}. */
  private static String awaitHolder(Kubectl k, String lease, String not) {
    String[] holder = new String[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Kubectl.Result r =
                  k.run(
                      "get",
                      "lease",
                      "-n",
                      "kube-system",
                      lease,
                      "-o",
                      "jsonpath={.spec.holderIdentity}");
              String h = r.out().strip();
              assertThat(r.exitCode()).as(r.all()).isZero();
              assertThat(h).isNotEmpty().isNotEqualTo(not);
              holder[0] = h;
            });
    return holder[0];
  }

  private static String ok(Kubectl k, String... args) throws Exception {
    Kubectl.Result r = k.run(args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out().strip();
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}

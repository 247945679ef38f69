package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.auth.ClusterPki;
import io.k8j.apiserver.auth.Identity;
import io.k8j.testing.cluster.TestApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real kubectl with client certificates: TLS verification, foreign CAs, RBAC denials. */
class SecurityIT {
  static TestApiServer server;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    dir = Files.createTempDirectory("k8j-security");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Kubectl kubectlAs(Identity id) throws Exception {
    Path file = dir.resolve(id.user().replace(":", "-") + ".kubeconfig");
    server.server().pki().writeKubeconfig(id, server.server().url(), file);
    return new Kubectl(file);
  }

  @Test
  void adminClientCertificateWorksWithTlsVerification() throws Exception {
    Kubectl.Result r = kubectlAs(Identity.ADMIN).run("get", "namespaces");
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.out()).contains("kube-system");
    assertThat(Files.readString(dir.resolve("kubernetes-admin.kubeconfig")))
        .contains("certificate-authority-data:")
        .doesNotContain("insecure-skip-tls-verify", "token:");
  }

  @Test
  void aComponentIsDeniedWhatItsRoleDoesNotGrant() throws Exception {
    Kubectl.Result r = kubectlAs(Identity.SCHEDULER).run("create", "namespace", "nope");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err())
        .contains(
            "Error from server (Forbidden): namespaces is forbidden: User"
                + " \"system:kube-scheduler\" cannot create resource \"namespaces\" in API group"
                + " \"\" at the cluster scope");
    Kubectl.Result pods = kubectlAs(Identity.SCHEDULER).run("get", "pods", "-A");
    assertThat(pods.exitCode()).as(pods.all()).isZero();
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() throws Exception {
    ClusterPki foreign = ClusterPki.loadOrCreate(dir.resolve("foreign-pki"), List.of());
    String theirs = foreign.kubeconfigFor(Identity.ADMIN, server.server().url());
    String ours = server.server().pki().kubeconfigFor(Identity.ADMIN, server.server().url());
    String ourCa = ours.replaceAll("(?s).*certificate-authority-data: (\\S+).*", "$1");
    Path file = dir.resolve("foreign.kubeconfig");
    Files.writeString(
        file,
        theirs.replaceAll(
            "certificate-authority-data: \\S+", "certificate-authority-data: " + ourCa));
    Kubectl.Result r = new Kubectl(file).run("get", "namespaces");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.out()).doesNotContain("kube-system");
  }
}

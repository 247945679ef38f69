package io.k8j.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {
  @TempDir Path dir;

  @Test
  void servingCertificateNamesTheClusterAndTheGivenAddresses() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of("10.96.0.1", "node-a"));
    assertThat(Certificates.names(pki.servingCertificate()))
        .contains(
            "localhost",
            "127.0.0.1",
            "kubernetes.default.svc.cluster.local",
            "10.96.0.1",
            "node-a");
  }

  @Test
  void restartReusesEverythingAndNewNamesReissueOnlyTheServingCertificate() throws Exception {
    ClusterPki first = ClusterPki.loadOrCreate(dir, List.of("10.96.0.1"));
    X509Certificate admin = first.clientCredentials(Identity.ADMIN).certificate();
    ClusterPki again = ClusterPki.loadOrCreate(dir, List.of("10.96.0.1"));
    assertThat(again.ca()).isEqualTo(first.ca());
    assertThat(again.servingCertificate()).isEqualTo(first.servingCertificate());
    assertThat(again.serviceAccountPublicKey()).isEqualTo(first.serviceAccountPublicKey());
    assertThat(again.clientCredentials(Identity.ADMIN).certificate()).isEqualTo(admin);

    ClusterPki moved = ClusterPki.loadOrCreate(dir, List.of("10.96.0.1", "192.0.2.7"));
    assertThat(moved.ca()).isEqualTo(first.ca());
    assertThat(moved.servingCertificate()).isNotEqualTo(first.servingCertificate());
    assertThat(Certificates.names(moved.servingCertificate())).contains("192.0.2.7");
  }

  @Test
  void clientCertificatesCarryUserAndGroupsAndVerifyAgainstTheCa() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of());
    for (Identity id :
        List.of(
            Identity.ADMIN,
            Identity.SCHEDULER,
            Identity.CONTROLLER_MANAGER,
            Identity.node("worker-1"))) {
      X509Certificate cert = pki.clientCredentials(id).certificate();
      assertThat(pki.verify(new X509Certificate[] {cert})).isEqualTo(id);
    }
    assertThat(Identity.node("worker-1").groups()).containsExactly("system:nodes");
  }

  @Test
  void aCertificateFromAnotherCaIsNotAccepted() throws Exception {
    ClusterPki ours = ClusterPki.loadOrCreate(dir.resolve("a"), List.of());
    ClusterPki theirs = ClusterPki.loadOrCreate(dir.resolve("b"), List.of());
    X509Certificate foreign = theirs.clientCredentials(Identity.ADMIN).certificate();
    assertThat(ours.verify(new X509Certificate[] {foreign})).isNull();
  }

  /** Verified certificates are remembered: a foreign one is still refused after ours, each time. */
  @Test
  void aCertificateVerifiedBeforeIsAcceptedAgainAndAForeignOneStillRefused() throws Exception {
    ClusterPki ours = ClusterPki.loadOrCreate(dir.resolve("c"), List.of());
    ClusterPki theirs = ClusterPki.loadOrCreate(dir.resolve("d"), List.of());
    X509Certificate mine = ours.clientCredentials(Identity.node("n-1")).certificate();
    X509Certificate foreign = theirs.clientCredentials(Identity.node("n-1")).certificate();
    for (int i = 0; i < 3; i++) {
      assertThat(ours.verify(new X509Certificate[] {mine})).isEqualTo(Identity.node("n-1"));
      assertThat(ours.verify(new X509Certificate[] {foreign})).isNull();
    }
  }

  @Test
  void everyFileIsReadableByItsOwnerOnly() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of());
    pki.writeKubeconfig(Identity.SCHEDULER, "https://127.0.0.1:6443", dir.resolve("s.kubeconfig"));
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThat(Files.getPosixFilePermissions(f))
            .as(f.toString())
            .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      }
    }
    assertThat(Files.readString(dir.resolve("s.kubeconfig")))
        .contains("client-certificate-data:", "client-key-data:", "certificate-authority-data:")
        .doesNotContain("token:");
  }
}

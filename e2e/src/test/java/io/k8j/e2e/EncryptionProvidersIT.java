package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.kms.LocalKmsPlugin;
import io.k8j.store.KeyValue;
import io.k8j.store.RangeRequest;
import io.k8j.store.embedded.EmbeddedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest with {@code ./k8j server}: the KMS v2 provider talking gRPC to a plugin on a unix
 * socket, then secretbox, keys rotated between them by rewriting every secret as upstream's
 * documentation says ({@code kubectl get secrets -A -o json | kubectl replace -f -}).
 */
class EncryptionProvidersIT {
  static final String VALUE = "kms-guarded-value";
  static final String BOX_KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @Test
  void kmsV2KeepsSecretsSealedAndRotationMovesThemToSecretbox() throws Exception {
    Path dir = Files.createTempDirectory("k8j-e2e-encryption");
    Path data = dir.resolve("data");
    Path config = dir.resolve("encryption.yaml");
    try (LocalKmsPlugin plugin = new LocalKmsPlugin()) {
      String kms =
          """
          - kms:
              apiVersion: v2
              name: vault
              endpoint: %s
              timeout: 10s
          """
              .formatted(plugin.endpoint());
      String box =
          """
          - secretbox:
              keys:
                - name: box1
                  secret: %s
          """
              .formatted(BOX_KEY);
      writeConfig(config, kms + box + "- identity: {}\n");
      K8jServer server = start(data, config);
      try {
        Kubectl admin = new Kubectl(server.kubeconfig());
        ok(admin.run("create", "secret", "generic", "db", "--from-literal=password=" + VALUE));
        assertThat(ok(admin.run("get", "secret", "db", "-o", "jsonpath={.data.password}")).out())
            .isEqualTo(Base64.getEncoder().encodeToString(VALUE.getBytes()));
        assertThat(plugin.encrypts()).isPositive();
        server.stop();
        assertSealed(data, "k8s:enc:kms:v2:vault:");

        writeConfig(config, box + kms + "- identity: {}\n");
        server = start(data, config);
        admin = new Kubectl(server.kubeconfig());
        String all = ok(admin.run("get", "secrets", "-A", "-o", "json")).out();
        ok(admin.runWithInput(all, "replace", "-f", "-"));
        server.stop();
        assertSealed(data, "k8s:enc:secretbox:v1:box1:");

        plugin.stop();
        server = start(data, config);
        admin = new Kubectl(server.kubeconfig());
        assertThat(ok(admin.run("get", "secret", "db", "-o", "jsonpath={.data.password}")).out())
            .isEqualTo(Base64.getEncoder().encodeToString(VALUE.getBytes()));
      } finally {
        server.close();
      }
    }
  }

  private static K8jServer start(Path data, Path config) throws Exception {
    return K8jServer.startIn(
        data, "--disable-agent", "--encryption-provider-config", config.toString());
  }

  private static void writeConfig(Path file, String providers) throws Exception {
    Files.writeString(
        file,
        """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
        %s"""
            .formatted(providers.indent(6)));
  }

  /** Every secret in the stopped server's store carries {@code prefix} and no clear text. */
  private static void assertSealed(Path data, String prefix) {
    EmbeddedStore store = EmbeddedStore.open(data.resolve("db"));
    try {
      List<KeyValue> secrets = store.range(RangeRequest.prefix("/registry/secrets/")).kvs();
      assertThat(secrets).isNotEmpty();
      for (KeyValue kv : secrets) {
        String raw = new String(kv.value(), StandardCharsets.ISO_8859_1);
        assertThat(raw).as(kv.key()).startsWith(prefix);
        assertThat(raw)
            .doesNotContain(VALUE)
            .doesNotContain(Base64.getEncoder().encodeToString(VALUE.getBytes()));
      }
    } finally {
      store.close();
    }
  }

  private static Kubectl.Result ok(Kubectl.Result r) {
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r;
  }
}

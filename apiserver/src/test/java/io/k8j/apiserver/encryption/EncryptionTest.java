package io.k8j.apiserver.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.ApiServerOptions;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import io.k8j.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest: ciphertext in the store, plaintext through the API, keys rotated by rewriting.
 */
class EncryptionTest {
  static final String KEY1 = Base64.getEncoder().encodeToString(new byte[32]);
  static final String KEY2 =
      Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  private static Path config(Path dir, String providers) throws Exception {
    Path file = dir.resolve("encryption.yaml");
    Files.writeString(
        file,
        """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
        %s
        """
            .formatted(providers.indent(6)));
    return file;
  }

  private static TestApiServer start(Path dir, Path config) throws Exception {
    return new TestApiServer(
        ApiServerOptions.defaults(dir)
            .withPort(0)
            .withBindAddress("127.0.0.1")
            .withEncryptionProviderConfig(config));
  }

  private static String raw(TestApiServer s) {
    KeyValue kv = s.store().get("/registry/secrets/default/db");
    return new String(kv.value(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void secretsAreCiphertextInTheStoreAndKeysRotateByRewriting() throws Exception {
    Path dir = Files.createTempDirectory("k8j-encryption");
    String gcm1 = "- aesgcm:\n    keys:\n      - name: key1\n        secret: " + KEY1 + "\n";
    String cbc2 = "- aescbc:\n    keys:\n      - name: key2\n        secret: " + KEY2 + "\n";
    try (TestApiServer s = start(dir, config(dir, gcm1 + "- identity: {}\n"))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      var created =
          admin.post(
              "/api/v1/namespaces/default/secrets",
              Json.parseObject(
                  "{\"metadata\":{\"name\":\"db\"},\"stringData\":{\"password\":\"hunter2-plain\"}}"
                      .getBytes(StandardCharsets.UTF_8)));
      assertThat(created.code()).isEqualTo(201);
      String stored = raw(s);
      assertThat(stored).startsWith("k8s:enc:aesgcm:v1:key1:");
      assertThat(stored)
          .doesNotContain("hunter2-plain")
          .doesNotContain(Base64.getEncoder().encodeToString("hunter2-plain".getBytes()))
          .doesNotContain("password");
      assertThat(password(admin))
          .isEqualTo(Base64.getEncoder().encodeToString("hunter2-plain".getBytes()));
      assertThat(admin.get("/api/v1/namespaces/default/configmaps/kube-root-ca.crt").code())
          .isNotEqualTo(500);
    }
    try (TestApiServer s = start(dir, config(dir, cbc2 + gcm1))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      var read = admin.get("/api/v1/namespaces/default/secrets/db");
      assertThat(read.code()).isEqualTo(200);
      assertThat(raw(s)).startsWith("k8s:enc:aesgcm:v1:key1:");
      var rewritten = admin.put("/api/v1/namespaces/default/secrets/db", read.json());
      assertThat(rewritten.code()).isEqualTo(200);
      assertThat(raw(s)).startsWith("k8s:enc:aescbc:v1:key2:").doesNotContain("password");
    }
    try (TestApiServer s = start(dir, config(dir, cbc2))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      assertThat(
              admin
                  .get("/api/v1/namespaces/default/secrets/db")
                  .json()
                  .path("data")
                  .has("password"))
          .isTrue();
    }
  }

  @Test
  void secretboxEncryptsAndTakesOverFromAesgcm() throws Exception {
    Path dir = Files.createTempDirectory("k8j-encryption-secretbox");
    String gcm1 = "- aesgcm:\n    keys:\n      - name: key1\n        secret: " + KEY1 + "\n";
    String box = "- secretbox:\n    keys:\n      - name: box1\n        secret: " + KEY1 + "\n";
    try (TestApiServer s = start(dir, config(dir, gcm1))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      assertThat(createDb(admin)).isEqualTo(201);
    }
    try (TestApiServer s = start(dir, config(dir, box + gcm1))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      var read = admin.get("/api/v1/namespaces/default/secrets/db");
      assertThat(read.code()).isEqualTo(200);
      assertThat(admin.put("/api/v1/namespaces/default/secrets/db", read.json()).code())
          .isEqualTo(200);
      assertThat(raw(s)).startsWith("k8s:enc:secretbox:v1:box1:").doesNotContain("password");
      assertThat(password(admin))
          .isEqualTo(Base64.getEncoder().encodeToString("hunter2-plain".getBytes()));
    }
  }

  @Test
  void aSecretboxKeyOfTheWrongSizeIsRefused() throws Exception {
    Path dir = Files.createTempDirectory("k8j-encryption-bad");
    Path file =
        config(dir, "- secretbox:\n    keys:\n      - name: short\n        secret: " + KEY2 + "\n");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> EncryptionConfiguration.read(file)))
        .hasMessageContaining("short: needs a name and a 32 byte secret");
  }

  @Test
  void kmsV2KeepsSecretsInTheEnvelopeOfAPluginAndFailsClearlyWithoutIt() throws Exception {
    Path dir = Files.createTempDirectory("k8j-encryption-kms");
    try (io.k8j.kms.LocalKmsPlugin plugin = new io.k8j.kms.LocalKmsPlugin()) {
      String kms =
          "- kms:\n    apiVersion: v2\n    name: vault\n    endpoint: "
              + plugin.endpoint()
              // generous: the first call sets gRPC up, slow on a loaded machine; only the call to
              // the stopped plugin waits all of it
              + "\n    timeout: 30s\n";
      Path config = config(dir, kms + "- identity: {}\n");
      try (TestApiServer s = start(dir, config)) {
        ApiClient admin = new ApiClient(s.kubeconfig());
        assertThat(createDb(admin)).isEqualTo(201);
        String stored = raw(s);
        assertThat(stored)
            .startsWith("k8s:enc:kms:v2:vault:")
            .doesNotContain("hunter2-plain")
            .doesNotContain(Base64.getEncoder().encodeToString("hunter2-plain".getBytes()))
            .doesNotContain("password");
        byte[] value = s.store().get("/registry/secrets/default/db").value();
        io.k8j.kms.v2.EncryptedObject o =
            io.k8j.kms.v2.EncryptedObject.parseFrom(
                java.util.Arrays.copyOfRange(
                    value, "k8s:enc:kms:v2:vault:".length(), value.length));
        assertThat(o.getKeyID()).isEqualTo("kek-1");
      }
      try (TestApiServer s = start(dir, config)) {
        ApiClient admin = new ApiClient(s.kubeconfig());
        assertThat(password(admin))
            .isEqualTo(Base64.getEncoder().encodeToString("hunter2-plain".getBytes()));
        assertThat(plugin.decrypts()).isEqualTo(1);
        plugin.stop();
        var created =
            admin.post(
                "/api/v1/namespaces/default/secrets",
                Json.parseObject(
                    "{\"metadata\":{\"name\":\"other\"},\"stringData\":{\"k\":\"v\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(created.code()).isEqualTo(500);
        assertThat(created.json().path("reason").asText()).isEqualTo("InternalError");
        assertThat(created.json().path("message").asText())
            .contains("failed to get kms status, error: rpc error: code = DEADLINE_EXCEEDED");
        assertThat(admin.get("/api/v1/namespaces/default/secrets/other").code()).isEqualTo(404);
      }
    }
  }

  /** Creates secret default/db holding password hunter2-plain; the response code. */
  private static int createDb(ApiClient admin) throws Exception {
    return admin
        .post(
            "/api/v1/namespaces/default/secrets",
            Json.parseObject(
                "{\"metadata\":{\"name\":\"db\"},\"stringData\":{\"password\":\"hunter2-plain\"}}"
                    .getBytes(StandardCharsets.UTF_8)))
        .code();
  }

  /** The password of secret default/db as the API serves it (base64). */
  private static String password(ApiClient admin) throws Exception {
    return admin
        .get("/api/v1/namespaces/default/secrets/db")
        .json()
        .path("data")
        .path("password")
        .asText();
  }
}

package io.k8j.apiserver.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.common.Clock;
import io.k8j.common.FakeClock;
import io.k8j.kms.LocalKmsPlugin;
import io.k8j.kms.v2.EncryptedDEKSourceType;
import io.k8j.kms.v2.EncryptedObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The KMS v2 provider against a plugin speaking upstream's gRPC API on a unix socket. */
class KmsV2Test {
  static final String KEY = "/registry/secrets/default/db";
  static final byte[] PLAIN =
      "{\"data\":{\"password\":\"hunter2\"}}".getBytes(StandardCharsets.UTF_8);
  static final Duration STATUS_INTERVAL = Duration.ofMinutes(1);

  final FakeClock clock = new FakeClock();
  LocalKmsPlugin plugin;
  KmsV2 kms;
  KmsV2 other;

  KmsV2 provider() {
    return new KmsV2("vault", plugin.endpoint(), Duration.ofSeconds(10), STATUS_INTERVAL, clock);
  }

  /**
   * One call before the tests, with a deadline a loaded machine cannot miss: the first call in a
   * JVM sets gRPC and Netty up, which can take longer than the tests' 10 s timeout.
   */
  @BeforeAll
  static void warmUp() throws Exception {
    try (LocalKmsPlugin p = new LocalKmsPlugin();
        KmsV2 k =
            new KmsV2(
                "warm-up", p.endpoint(), Duration.ofSeconds(60), STATUS_INTERVAL, Clock.SYSTEM)) {
      k.decrypt(k.encrypt(PLAIN, KEY), KEY);
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {kms, other, plugin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void storesAnEncryptedObjectWhoseSeedOnlyThePluginOpens() throws Exception {
    plugin = new LocalKmsPlugin();
    kms = provider();
    assertThat(kms.prefix()).isEqualTo("k8s:enc:kms:v2:vault:");
    byte[] stored = kms.encrypt(PLAIN, KEY);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    EncryptedObject o = EncryptedObject.parseFrom(stored);
    assertThat(o.getKeyID()).isEqualTo("kek-1");
    assertThat(o.getEncryptedDEKSourceType())
        .isEqualTo(EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED);
    assertThat(o.getAnnotationsMap()).containsKey("kms.k8j.io/plugin");
    assertThat(o.getEncryptedData().size()).isEqualTo(32 + 12 + PLAIN.length + 16);
    assertThat(kms.decrypt(stored, KEY)).isEqualTo(PLAIN);
    assertThat(plugin.decrypts()).isZero();

    other = provider();
    assertThat(other.decrypt(stored, KEY)).isEqualTo(PLAIN);
    assertThat(other.decrypt(kms.encrypt(PLAIN, KEY), KEY)).isEqualTo(PLAIN);
    assertThat(plugin.decrypts()).isEqualTo(1);
    assertThatThrownBy(() -> other.decrypt(stored, "/registry/secrets/default/elsewhere"))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void oneSeedServesWritesUntilThePluginRotatesItsKey() throws Exception {
    plugin = new LocalKmsPlugin();
    kms = provider();
    byte[] first = kms.encrypt(PLAIN, KEY);
    kms.encrypt(PLAIN, KEY);
    assertThat(plugin.encrypts()).isEqualTo(1);
    assertThat(kms.isStale(first)).isFalse();

    plugin.rotate();
    clock.advance(STATUS_INTERVAL);
    byte[] second = kms.encrypt(PLAIN, KEY);
    assertThat(plugin.encrypts()).isEqualTo(2);
    assertThat(EncryptedObject.parseFrom(second).getKeyID()).isEqualTo("kek-2");
    assertThat(kms.isStale(first)).isTrue();
    assertThat(kms.isStale(second)).isFalse();
    assertThat(kms.decrypt(first, KEY)).isEqualTo(PLAIN);
  }

  /**
   * A stopped plugin fails a call with DEADLINE_EXCEEDED while gRPC waits for it to come back, or
   * with UNAVAILABLE when the call meets the connection as it breaks.
   */
  private static final String PLUGIN_DOWN =
      "(?s)%s, error: rpc error: code = (DEADLINE_EXCEEDED|UNAVAILABLE).*";

  @Test
  void aPluginThatIsDownFailsClearlyAndCachedSeedsKeepWorkingForAWhile() throws Exception {
    plugin = new LocalKmsPlugin();
    kms = provider();
    byte[] stored = kms.encrypt(PLAIN, KEY);
    plugin.stop();

    assertThat(kms.decrypt(stored, KEY)).isEqualTo(PLAIN);
    assertThat(kms.decrypt(kms.encrypt(PLAIN, KEY), KEY)).isEqualTo(PLAIN);
    clock.advance(KmsV2.WRITE_SEED_TTL.plusSeconds(1));
    assertThatThrownBy(() -> kms.encrypt(PLAIN, KEY))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageMatching(PLUGIN_DOWN.formatted("failed to get kms status"));

    other = provider();
    assertThatThrownBy(() -> other.decrypt(stored, KEY))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageMatching(PLUGIN_DOWN.formatted("failed to decrypt DEK"));
    assertThatThrownBy(() -> other.encrypt(PLAIN, KEY))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageMatching(PLUGIN_DOWN.formatted("failed to get kms status"));

    plugin.start();
    assertThat(other.decrypt(stored, KEY)).isEqualTo(PLAIN);
  }

  @Test
  void refusesStoredBytesThatAreNoEncryptedObject() throws Exception {
    plugin = new LocalKmsPlugin();
    kms = provider();
    assertThatThrownBy(() -> kms.decrypt("not a protobuf".getBytes(), KEY))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> kms.decrypt(EncryptedObject.getDefaultInstance().toByteArray(), KEY))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage("encrypted data is empty");
  }
}

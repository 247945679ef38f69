package io.k8j.controllers.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokensControllerTest {
  static final KeyPair KEYS = rsa();
  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final Map<String, ServiceAccount> live = new HashMap<>();
  final TokensController controller =
      new TokensController(
          informers,
          writer,
          (ns, name) -> live.get(ns + "/" + name),
          new LegacyTokenSigner(KEYS.getPrivate()),
          "CA PEM",
          clock);

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ServiceAccount account(String name, String uid) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withNamespace("team")
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .build();
  }

  private void secret(String name, String account) {
    writer.create(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team")
            .withName(name)
            .addToAnnotations(TokensController.NAME, account)
            .endMetadata()
            .withType(TokensController.TYPE)
            .build());
    writer.clear();
  }

  private static String decoded(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Test
  void aTokenSecretGetsASignedTokenTheCaAndTheNamespace() throws Exception {
    informers.forType(ServiceAccount.class).add(account("app", "sa-uid"));
    secret("app-token", "app");
    controller.sync("team/app-token");
    Secret s = informers.forType(Secret.class).get("team", "app-token");
    assertThat(decoded(s, "ca.crt")).isEqualTo("CA PEM");
    assertThat(decoded(s, "namespace")).isEqualTo("team");
    assertThat(s.getMetadata().getAnnotations()).containsEntry(TokensController.UID, "sa-uid");
    SignedJWT jwt = SignedJWT.parse(decoded(s, "token"));
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) KEYS.getPublic()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("kubernetes/serviceaccount");
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("system:serviceaccount:team:app");
    assertThat(jwt.getJWTClaimsSet().getClaim("kubernetes.io/serviceaccount/secret.name"))
        .isEqualTo("app-token");
    assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isNull();
    writer.clear();
    controller.sync("team/app-token");
    assertThat(writer.log()).isEmpty();
  }

  @Test
  void anAccountTheInformerHasNotSeenYetIsReadLive() {
    live.put("team/late", account("late", "late-uid"));
    secret("late-token", "late");
    controller.sync("team/late-token");
    assertThat(writer.log()).containsExactly("update Secret team/late-token");
  }

  @Test
  void aSecretOfAMissingOrReplacedAccountIsDeleted() {
    secret("orphan-token", "ghost");
    controller.sync("team/orphan-token");
    assertThat(writer.log()).containsExactly("delete Secret team/orphan-token");
    informers.forType(ServiceAccount.class).add(account("app", "new-uid"));
    writer.create(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team")
            .withName("old-token")
            .addToAnnotations(TokensController.NAME, "app")
            .addToAnnotations(TokensController.UID, "old-uid")
            .endMetadata()
            .withType(TokensController.TYPE)
            .build());
    writer.clear();
    controller.sync("team/old-token");
    assertThat(writer.log()).containsExactly("delete Secret team/old-token");
  }
}

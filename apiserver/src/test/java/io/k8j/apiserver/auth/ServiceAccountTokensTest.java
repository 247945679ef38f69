package io.k8j.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.common.FakeClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {
  private static final KeyPair KEYS = rsa();
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<String, ObjectNode> objects = new HashMap<>();
  private ServiceAccountTokens tokens;

  @BeforeEach
  void setUp() {
    tokens = issuer(KEYS);
    put("serviceaccounts", "team-a", "app", "sa-uid");
    put("pods", "team-a", "web-0", "pod-uid");
  }

  private ServiceAccountTokens issuer(KeyPair keys) {
    return new ServiceAccountTokens(
        keys,
        List.of(ServiceAccountTokens.ISSUER),
        (resource, ns, name) -> objects.get(resource + "/" + ns + "/" + name),
        clock);
  }

  private void put(String resource, String ns, String name, String uid) {
    ObjectNode o = Json.object();
    Json.metadata(o).put("name", name).put("uid", uid);
    objects.put(resource + "/" + ns + "/" + name, o);
  }

  private String podToken(List<String> audiences, Duration life) {
    Instant now = clock.now();
    return tokens.issue(
        new ServiceAccountTokens.Claims(
            "team-a",
            "app",
            "sa-uid",
            new ServiceAccountTokens.Ref("web-0", "pod-uid"),
            null,
            null,
            audiences,
            now,
            now.plus(life)));
  }

  @Test
  void aValidTokenIsTheServiceAccountWithItsGroups() {
    UserInfo user =
        tokens.authenticate(podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofHours(1)));
    assertThat(user.name()).isEqualTo("system:serviceaccount:team-a:app");
    assertThat(user.uid()).isEqualTo("sa-uid");
    assertThat(user.groups())
        .containsExactly(
            "system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
  }

  @Test
  void theTokenCarriesUpstreamsClaims() throws Exception {
    String token = podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofHours(1));
    String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    var claims = Json.MAPPER.readTree(payload);
    assertThat(claims.path("iss").asText()).isEqualTo(ServiceAccountTokens.ISSUER);
    assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:team-a:app");
    assertThat(claims.path("kubernetes.io").path("pod").path("uid").asText()).isEqualTo("pod-uid");
    assertThat(claims.path("kubernetes.io").path("serviceaccount").path("name").asText())
        .isEqualTo("app");
    assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
  }

  @Test
  void anExpiredTokenIsRefused() {
    String token = podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    String token = podToken(List.of("vault"), Duration.ofHours(1));
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void aTokenStopsWorkingWhenItsPodIsGoneOrReplaced() {
    String token = podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofHours(1));
    put("pods", "team-a", "web-0", "another-uid");
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
    objects.remove("pods/team-a/web-0");
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void aTokenStopsWorkingWhenItsServiceAccountIsGone() {
    String token = podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofHours(1));
    objects.remove("serviceaccounts/team-a/app");
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void aTokenOfAPodBeingDeletedWorksForAMinuteOnly() {
    String token = podToken(List.of(ServiceAccountTokens.ISSUER), Duration.ofHours(1));
    ((ObjectNode) objects.get("pods/team-a/web-0").path("metadata"))
        .put("deletionTimestamp", clock.now().toString());
    assertThat(tokens.authenticate(token)).isNotNull();
    clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> tokens.authenticate(token))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() {
    String forged = issuer(rsa()).issueLegacy("team-a", "app", "sa-uid", "s");
    put("secrets", "team-a", "s", "secret-uid");
    assertThatThrownBy(() -> tokens.authenticate(forged))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
    String legacy = tokens.issueLegacy("team-a", "app", "sa-uid", "s");
    holdToken("s", legacy);
    assertThat(tokens.authenticate(legacy).name()).isEqualTo("system:serviceaccount:team-a:app");
  }

  private void holdToken(String secret, String token) {
    ((ObjectNode) objects.get("secrets/team-a/" + secret))
        .putObject("data")
        .put(
            "token",
            java.util.Base64.getEncoder()
                .encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aLegacyTokenWorksOnlyWhileItsSecretHoldsIt() {
    put("secrets", "team-a", "s", "secret-uid");
    String legacy = tokens.issueLegacy("team-a", "app", "sa-uid", "s");
    assertThatThrownBy(() -> tokens.authenticate(legacy))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
    holdToken("s", legacy);
    assertThat(tokens.authenticate(legacy)).isNotNull();
    objects.remove("secrets/team-a/s");
    assertThatThrownBy(() -> tokens.authenticate(legacy))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }

  @Test
  void otherTokensAreLeftToOtherAuthenticators() {
    assertThat(tokens.authenticate("abcdef.0123456789abcdef")).isNull();
    assertThat(tokens.authenticate("not.a.jwt")).isNull();
  }

  @Test
  void theJwksHoldTheVerificationKey() {
    Map<String, Object> jwks = tokens.jwks();
    assertThat(jwks.get("keys").toString()).contains("RS256").contains("sig");
    assertThat(tokens.openIdConfiguration())
        .containsEntry("issuer", ServiceAccountTokens.ISSUER)
        .containsEntry("jwks_uri", ServiceAccountTokens.ISSUER + "/openid/v1/jwks");
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

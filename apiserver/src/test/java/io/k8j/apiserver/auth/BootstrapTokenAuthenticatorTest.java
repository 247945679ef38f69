package io.k8j.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.common.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootstrapTokenAuthenticatorTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<String, ObjectNode> secrets = new HashMap<>();
  private final BootstrapTokenAuthenticator auth =
      new BootstrapTokenAuthenticator((r, ns, name) -> secrets.get(ns + "/" + name), clock);

  private ObjectNode secret(String id, String secret, Map<String, String> extra) {
    ObjectNode s = Json.object().put("type", BootstrapToken.SECRET_TYPE);
    Json.metadata(s).put("name", "bootstrap-token-" + id).put("namespace", "kube-system");
    ObjectNode data = s.putObject("data");
    Map<String, String> all = new HashMap<>(extra);
    all.put("token-id", id);
    all.put("token-secret", secret);
    all.putIfAbsent("usage-bootstrap-authentication", "true");
    all.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    secrets.put("kube-system/bootstrap-token-" + id, s);
    return s;
  }

  @Test
  void parsesOnlyTheBootstrapTokenForm() {
    assertThat(BootstrapToken.parse("abcdef.0123456789abcdef"))
        .isEqualTo(new BootstrapToken("abcdef", "0123456789abcdef"));
    assertThat(BootstrapToken.parse("ABCDEF.0123456789abcdef")).isNull();
    assertThat(BootstrapToken.parse("abcdef.0123456789abcde")).isNull();
    assertThat(BootstrapToken.parse("abcdef0123456789abcdef")).isNull();
    BootstrapToken t = BootstrapToken.generate();
    assertThat(BootstrapToken.parse(t.toString())).isEqualTo(t);
  }

  @Test
  void aValidTokenIsABootstrapperWithItsExtraGroups() {
    secret(
        "abcdef",
        "0123456789abcdef",
        Map.of(
            "expiration",
            "2026-01-02T00:00:00Z",
            "auth-extra-groups",
            "system:bootstrappers:k8j:default-node-token,system:masters"));
    UserInfo u = auth.authenticate("abcdef.0123456789abcdef");
    assertThat(u.name()).isEqualTo("system:bootstrap:abcdef");
    assertThat(u.groups())
        .containsExactly(
            "system:bootstrappers",
            "system:bootstrappers:k8j:default-node-token",
            "system:authenticated");
  }

  @Test
  void wrongExpiredUnusableOrMissingTokensAreRefused() {
    secret("abcdef", "0123456789abcdef", Map.of("expiration", "2025-12-31T23:59:59Z"));
    secret("ghijkl", "0123456789abcdef", Map.of("usage-bootstrap-authentication", "false"));
    secret("mnopqr", "0123456789abcdef", Map.of());
    for (String token :
        new String[] {
          "abcdef.0123456789abcdef",
          "ghijkl.0123456789abcdef",
          "mnopqr.0123456789abcdee",
          "stuvwx.0123456789abcdef"
        }) {
      assertThatThrownBy(() -> auth.authenticate(token))
          .as(token)
          .isInstanceOf(Authenticator.InvalidCredentialsException.class);
    }
    assertThat(auth.authenticate("mnopqr.0123456789abcdef").name())
        .isEqualTo("system:bootstrap:mnopqr");
    assertThat(auth.authenticate("not-a-bootstrap-token")).isNull();
  }

  @Test
  void aSecretOfAnotherTypeIsNoToken() {
    secret("abcdef", "0123456789abcdef", Map.of()).put("type", "Opaque");
    assertThatThrownBy(() -> auth.authenticate("abcdef.0123456789abcdef"))
        .isInstanceOf(Authenticator.InvalidCredentialsException.class);
  }
}

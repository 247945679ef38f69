package io.k8j.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.common.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Upstream's bootstrap token authenticator: a bearer token {@code <id>.<secret>} whose Secret
 * {@code kube-system/bootstrap-token-<id>} is of type {@code bootstrap.kubernetes.io/token}, holds
 * the same secret, allows authentication ({@code usage-bootstrap-authentication: "true"}), is not
 * expired and not being deleted authenticates as {@code system:bootstrap:<id>} in {@code
 * system:bootstrappers} and the groups of {@code auth-extra-groups}. Anything else of that form is
 * refused (401).
 */
public final class BootstrapTokenAuthenticator implements TokenAuthenticator {
  private final ObjectLookup lookup;
  private final Clock clock;

  public BootstrapTokenAuthenticator(ObjectLookup lookup, Clock clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  @Override
  public UserInfo authenticate(String token) {
    BootstrapToken t = BootstrapToken.parse(token);
    if (t == null) {
      return null;
    }
    ObjectNode secret = lookup.get("secrets", "kube-system", t.secretName());
    if (secret == null
        || secret.path("metadata").has("deletionTimestamp")
        || !BootstrapToken.SECRET_TYPE.equals(secret.path("type").asText())) {
      throw new Authenticator.InvalidCredentialsException();
    }
    JsonNode data = secret.path("data");
    byte[] stored = data(data, "token-secret").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(stored, t.secret().getBytes(StandardCharsets.UTF_8))
        || !data(data, "token-id").equals(t.id())
        || isExpired(data(data, "expiration"), clock.now())
        || !"true".equals(data(data, "usage-bootstrap-authentication"))) {
      throw new Authenticator.InvalidCredentialsException();
    }
    List<String> groups = new ArrayList<>();
    groups.add(BootstrapToken.GROUP);
    for (String g : data(data, "auth-extra-groups").split(",")) {
      g = g.strip();
      if (g.startsWith(BootstrapToken.GROUP + ":") && !groups.contains(g)) {
        groups.add(g);
      }
    }
    return UserInfo.authenticated(t.user(), "", groups);
  }

  /** Whether an {@code expiration} (RFC 3339; empty: never) has passed; unreadable ones have. */
  public static boolean isExpired(String expiration, Instant now) {
    if (expiration.isEmpty()) {
      return false;
    }
    try {
      return !now.isBefore(java.time.OffsetDateTime.parse(expiration).toInstant());
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private static String data(JsonNode data, String key) {
    String v = data.path(key).asText("");
    try {
      return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}

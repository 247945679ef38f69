package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The continue token of a paged list, in upstream's format: base64 of {@code
 * {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the list prefix>"}}. It pins the revision, so
 * every page of a list comes from one snapshot.
 */
public record ContinueToken(long revision, String start) {
  public String encode() {
    ObjectNode o = Json.object().put("v", "meta.k8s.io/v1").put("rv", revision).put("start", start);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
  }

  /**
   * @throws ApiException 400 when the token is not one this server made
   */
  public static ContinueToken decode(String token) {
    try {
      byte[] raw =
          Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_').replace("=", ""));
      ObjectNode o = Json.parseObject(raw);
      String start = o.path("start").asText("");
      long rv = o.path("rv").asLong(0);
      if (!"meta.k8s.io/v1".equals(o.path("v").asText())
          || rv <= 0
          || start.startsWith("/")
          || start.contains("..")) {
        throw new IllegalArgumentException();
      }
      return new ContinueToken(rv, start);
    } catch (RuntimeException e) {
      throw ApiException.badRequest(
          "continue key is not valid: "
              + new String(token.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
  }
}

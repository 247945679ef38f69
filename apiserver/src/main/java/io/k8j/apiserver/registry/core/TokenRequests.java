package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.ObjectLookup;
import io.k8j.apiserver.auth.ServiceAccountTokens;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.GroupResource;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.common.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code serviceaccounts/token} subresource (TokenRequest, {@code kubectl create token}): a
 * token for the service account, for the audiences asked (the API server's by default), valid for
 * {@code expirationSeconds} (default one hour, at least ten minutes), optionally bound to a Pod or
 * Secret of the namespace, which must exist (with the uid given, if one is).
 */
public final class TokenRequests {
  private static final Logger LOG = LoggerFactory.getLogger(TokenRequests.class);
  static final long DEFAULT_EXPIRATION = 3600;
  static final long MIN_EXPIRATION = 600;
  static final long MAX_EXPIRATION = 1L << 32;
  private static final Map<String, String> BINDABLE =
      Map.of("Pod", "pods", "Secret", "secrets", "Node", "nodes");

  private final ServiceAccountTokens tokens;
  private final ObjectLookup objects;
  private final Clock clock;

  public TokenRequests(ServiceAccountTokens tokens, ObjectLookup objects, Clock clock) {
    this.tokens = tokens;
    this.objects = objects;
    this.clock = clock;
  }

  /** Issues the token {@code request} asks for; returns the TokenRequest with its status. */
  public ObjectNode create(
      ResourceStore serviceAccounts, String namespace, String name, ObjectNode request) {
    String kind = request.path("kind").asText("TokenRequest");
    if (!kind.equals("TokenRequest")) {
      throw ApiException.badRequest("not a TokenRequest: " + kind);
    }
    ObjectNode sa = serviceAccounts.get(namespace, name);
    ObjectNode spec = Json.child(request, "spec");
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    if (audiences.isEmpty()) {
      audiences.addAll(tokens.apiAudiences());
      spec.set("audiences", Json.MAPPER.valueToTree(audiences));
    }
    if (!spec.has("expirationSeconds") || spec.get("expirationSeconds").isNull()) {
      spec.put("expirationSeconds", DEFAULT_EXPIRATION);
    }
    long seconds = spec.path("expirationSeconds").asLong();
    if (seconds < MIN_EXPIRATION) {
      throw invalid(
          name,
          FieldError.invalid(
              "spec.expirationSeconds",
              seconds,
              "may not specify a duration less than 10 minutes"));
    }
    if (seconds > MAX_EXPIRATION) {
      throw invalid(
          name,
          FieldError.invalid(
              "spec.expirationSeconds",
              seconds,
              "may not specify a duration larger than 2^32 seconds"));
    }
    ServiceAccountTokens.Ref pod = null;
    ServiceAccountTokens.Ref secret = null;
    ServiceAccountTokens.Ref node = null;
    JsonNode bound = spec.path("boundObjectRef");
    if (bound.isObject()) {
      String boundKind = bound.path("kind").asText("");
      String resource = BINDABLE.get(boundKind);
      if (resource == null) {
        throw invalid(
            name,
            FieldError.invalid(
                "spec.boundObjectRef.kind",
                boundKind,
                "supported values: \"Node\", \"Pod\", \"Secret\""));
      }
      String boundName = bound.path("name").asText("");
      String ns = resource.equals("nodes") ? "" : namespace;
      ObjectNode target = objects.get(resource, ns, boundName);
      if (target == null) {
        throw ApiException.notFound(new GroupResource("", resource), boundName);
      }
      String uid = target.path("metadata").path("uid").asText();
      String wanted = bound.path("uid").asText("");
      if (!wanted.isEmpty() && !wanted.equals(uid)) {
        throw ApiException.conflict(
            new GroupResource("", resource),
            boundName,
            "the UID in the bound object reference ("
                + wanted
                + ") does not match the UID in record. The object might have been deleted and then"
                + " recreated");
      }
      ServiceAccountTokens.Ref ref = new ServiceAccountTokens.Ref(boundName, uid);
      switch (boundKind) {
        case "Pod" -> {
          pod = ref;
          node = nodeOf(target);
        }
        case "Secret" -> secret = ref;
        default -> node = ref;
      }
    }
    Instant now = clock.now().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = now.plusSeconds(seconds);
    String token =
        tokens.issue(
            new ServiceAccountTokens.Claims(
                namespace,
                name,
                sa.path("metadata").path("uid").asText(),
                pod,
                secret,
                node,
                audiences,
                now,
                expires));
    ObjectNode out =
        Json.object().put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
    out.putObject("metadata")
        .put("name", name)
        .put("namespace", namespace)
        .put("creationTimestamp", now.toString());
    out.set("spec", spec);
    out.putObject("status").put("token", token).put("expirationTimestamp", expires.toString());
    LOG.info(
        "issued a token for service account {}/{} (audiences {}, {} s{})",
        namespace,
        name,
        audiences,
        seconds,
        pod != null
            ? ", bound to pod " + pod.name()
            : secret != null ? ", bound to secret " + secret.name() : "");
    return out;
  }

  /** The node a pod runs on, when it is bound to one that exists. */
  private ServiceAccountTokens.Ref nodeOf(ObjectNode pod) {
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (nodeName.isEmpty()) {
      return null;
    }
    ObjectNode node = objects.get("nodes", "", nodeName);
    return node == null
        ? null
        : new ServiceAccountTokens.Ref(nodeName, node.path("metadata").path("uid").asText());
  }

  private static ApiException invalid(String name, FieldError e) {
    return ApiException.invalid("authentication.k8s.io", "TokenRequest", name, List.of(e));
  }
}

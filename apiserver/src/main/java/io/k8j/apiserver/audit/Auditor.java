package io.k8j.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.common.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Writes one upstream {@code audit.k8s.io/v1 Event} (stage ResponseComplete) per request the policy
 * gives a level: metadata always; the request body at Request and above; the response body at
 * RequestResponse.
 */
public final class Auditor {
  private final AuditPolicy policy;
  private final AuditLog log;
  private final Clock clock;

  public Auditor(AuditPolicy policy, AuditLog log, Clock clock) {
    this.policy = policy;
    this.log = log;
    this.clock = clock;
  }

  /** What the server knows of a request once it is answered. */
  public record Request(
      Attributes attributes,
      UserInfo authenticated,
      String requestUri,
      String apiVersion,
      String sourceIp,
      String userAgent,
      Instant received,
      int code,
      JsonNode errorStatus,
      byte[] requestBody,
      byte[] responseBody) {}

  public AuditPolicy.Level levelOf(Attributes a) {
    return policy.levelOf(a);
  }

  public void record(Request r) {
    AuditPolicy.Level level = policy.levelOf(r.attributes());
    if (level == AuditPolicy.Level.None) {
      return;
    }
    Attributes a = r.attributes();
    ObjectNode e = Json.object().put("kind", "Event").put("apiVersion", "audit.k8s.io/v1");
    e.put("level", level.name());
    e.put("auditID", UUID.randomUUID().toString());
    e.put("stage", "ResponseComplete");
    e.put("requestURI", r.requestUri());
    e.put("verb", a.verb());
    e.set("user", user(r.authenticated()));
    if (!r.authenticated().name().equals(a.user().name())) {
      e.set("impersonatedUser", user(a.user()));
    }
    e.putArray("sourceIPs").add(r.sourceIp());
    if (r.userAgent() != null) {
      e.put("userAgent", r.userAgent());
    }
    if (a.resourceRequest()) {
      ObjectNode ref = e.putObject("objectRef").put("resource", a.resource());
      if (!a.namespace().isEmpty()) {
        ref.put("namespace", a.namespace());
      }
      if (!a.name().isEmpty()) {
        ref.put("name", a.name());
      }
      if (!a.apiGroup().isEmpty()) {
        ref.put("apiGroup", a.apiGroup());
      }
      ref.put("apiVersion", r.apiVersion());
      if (!a.subresource().isEmpty()) {
        ref.put("subresource", a.subresource());
      }
    }
    ObjectNode status = e.putObject("responseStatus");
    status.putObject("metadata");
    if (r.errorStatus() != null) {
      for (String f : new String[] {"status", "message", "reason"}) {
        if (r.errorStatus().has(f)) {
          status.set(f, r.errorStatus().get(f));
        }
      }
    }
    status.put("code", r.code());
    if (level.compareTo(AuditPolicy.Level.Request) >= 0) {
      JsonNode body = json(r.requestBody());
      if (body != null) {
        e.set("requestObject", body);
      }
    }
    if (level == AuditPolicy.Level.RequestResponse) {
      JsonNode body = json(r.responseBody());
      if (body != null) {
        e.set("responseObject", body);
      }
    }
    e.put("requestReceivedTimestamp", micros(r.received()));
    e.put("stageTimestamp", micros(clock.now()));
    log.write(Json.bytesAsString(e));
  }

  private static JsonNode json(byte[] body) {
    if (body == null || body.length == 0 || body[0] != '{') {
      return null;
    }
    try {
      return Json.parseObject(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ObjectNode user(UserInfo u) {
    ObjectNode o = Json.object().put("username", u.name());
    if (!u.uid().isEmpty()) {
      o.put("uid", u.uid());
    }
    u.groups().forEach(o.withArray("groups")::add);
    return o;
  }

  private static String micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).toString();
  }
}

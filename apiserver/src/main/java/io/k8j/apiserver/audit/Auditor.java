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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes upstream's {@code audit.k8s.io/v1 Event}s of each request the policy gives a level, one
 * per stage it passes and the policy does not omit: RequestReceived once it is authenticated,
 * ResponseStarted when a long-running request's (watch, exec, logs) response starts,
 * ResponseComplete when it is answered, or Panic when it failed unexpectedly. Each event carries
 * the metadata; ResponseComplete adds the request body at Request and above, the response body at
 * RequestResponse. All events of one request share its {@code auditID}.
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

  /** What the server knows of a request once it is authenticated. */
  public record Request(
      Attributes attributes,
      String requestUri,
      String apiVersion,
      String sourceIp,
      String userAgent,
      Instant received) {}

  /** How a request was answered. */
  public record Outcome(
      UserInfo user, int code, JsonNode errorStatus, byte[] requestBody, byte[] responseBody) {}

  /**
   * Starts the event of an authenticated request (the attributes' user is the authenticated one, as
   * upstream audits before impersonation), writing its RequestReceived stage.
   */
  public Event begin(Request r) {
    Event e = new Event(r, policy.decide(r.attributes()));
    e.write(AuditPolicy.Stage.RequestReceived, null);
    return e;
  }

  /** The event of one request, written at each stage it passes. */
  public final class Event {
    private final Request request;
    private final AuditPolicy.Decision decision;
    private final String id = UUID.randomUUID().toString();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    private Event(Request request, AuditPolicy.Decision decision) {
      this.request = request;
      this.decision = decision;
    }

    /** The {@code auditID}, also sent to the client as the {@code Audit-ID} header. */
    public String id() {
      return id;
    }

    /** The response of a long-running request started with {@code code} (written once). */
    public void responseStarted(int code) {
      if (started.compareAndSet(false, true)) {
        write(AuditPolicy.Stage.ResponseStarted, new Outcome(null, code, null, null, null));
      }
    }

    /** The request was answered. */
    public void responseComplete(Outcome o) {
      if (finished.compareAndSet(false, true)) {
        write(AuditPolicy.Stage.ResponseComplete, o);
      }
    }

    /** The request failed unexpectedly: logged as upstream logs a handler's panic. */
    public void panic(UserInfo user, Throwable t) {
      if (finished.compareAndSet(false, true)) {
        ObjectNode status =
            Json.object()
                .put("status", "Failure")
                .put("reason", "InternalError")
                .put("message", "APIServer panic'd: " + t);
        write(AuditPolicy.Stage.Panic, new Outcome(user, 500, status, null, null));
      }
    }

    private void write(AuditPolicy.Stage stage, Outcome o) {
      if (!decision.records(stage)) {
        return;
      }
      AuditPolicy.Level level = decision.level();
      Attributes a = request.attributes();
      ObjectNode e = Json.object().put("kind", "Event").put("apiVersion", "audit.k8s.io/v1");
      e.put("level", level.name());
      e.put("auditID", id);
      e.put("stage", stage.name());
      e.put("requestURI", request.requestUri());
      e.put("verb", a.verb());
      e.set("user", user(a.user()));
      if (o != null && o.user() != null && !o.user().name().equals(a.user().name())) {
        e.set("impersonatedUser", user(o.user()));
      }
      e.putArray("sourceIPs").add(request.sourceIp());
      if (request.userAgent() != null) {
        e.put("userAgent", request.userAgent());
      }
      if (a.resourceRequest()) {
        e.set("objectRef", objectRef(a));
      }
      if (o != null) {
        ObjectNode status = e.putObject("responseStatus");
        status.putObject("metadata");
        if (o.errorStatus() != null) {
          for (String f : new String[] {"status", "message", "reason"}) {
            if (o.errorStatus().has(f)) {
              status.set(f, o.errorStatus().get(f));
            }
          }
        }
        status.put("code", o.code());
        if (level.compareTo(AuditPolicy.Level.Request) >= 0) {
          putBody(e, "requestObject", o.requestBody());
        }
        if (level == AuditPolicy.Level.RequestResponse) {
          putBody(e, "responseObject", o.responseBody());
        }
      }
      e.put("requestReceivedTimestamp", micros(request.received()));
      e.put(
          "stageTimestamp",
          micros(stage == AuditPolicy.Stage.RequestReceived ? request.received() : clock.now()));
      log.write(Json.bytesAsString(e));
    }

    private ObjectNode objectRef(Attributes a) {
      ObjectNode ref = Json.object().put("resource", a.resource());
      if (!a.namespace().isEmpty()) {
        ref.put("namespace", a.namespace());
      }
      if (!a.name().isEmpty()) {
        ref.put("name", a.name());
      }
      if (!a.apiGroup().isEmpty()) {
        ref.put("apiGroup", a.apiGroup());
      }
      ref.put("apiVersion", request.apiVersion());
      if (!a.subresource().isEmpty()) {
        ref.put("subresource", a.subresource());
      }
      return ref;
    }
  }

  private static void putBody(ObjectNode event, String field, byte[] body) {
    if (body == null || body.length == 0 || body[0] != '{') {
      return;
    }
    try {
      event.set(field, Json.parseObject(body));
    } catch (RuntimeException e) {
      // not JSON (protobuf, a stream): upstream logs no object either
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

package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.admission.RequestContext;
import io.k8j.apiserver.audit.Auditor;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.Authenticator;
import io.k8j.apiserver.auth.Authorizer;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.discovery.Discovery;
import io.k8j.apiserver.openapi.OpenApiV3;
import io.k8j.apiserver.registry.authorization.ReviewResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of every request: health and version without authentication, then authentication,
 * the in-flight limit (watches excepted, as upstream counts long-running requests apart), and
 * routing to discovery, OpenAPI, metrics or a resource.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final List<String> PUBLIC = List.of("/healthz", "/livez", "/readyz", "/version");

  /** Subresources that stream for as long as the client wants, as upstream counts them. */
  private static final List<String> LONG_RUNNING_SUBRESOURCES =
      List.of("log", "exec", "attach", "portforward", "proxy");

  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Discovery discovery;
  private final OpenApiV3 openApi;
  private final io.k8j.apiserver.openapi.OpenApiV2 openApiV2;
  private final ResourceHandler resources;
  private final ReviewHandler reviews;
  private final Auditor auditor;
  private final java.util.Map<String, GroupHandler> groups =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ApiMetrics metrics;
  private final BooleanSupplier ready;
  private final Semaphore inFlight;
  private final String serverAddress;
  private final Duration requestTimeout;
  private final java.util.Map<String, java.util.function.Supplier<Object>> documents =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("request-timeouts").daemon().factory());

  public ApiHandler(
      Authenticator authenticator,
      Authorizer authorizer,
      Discovery discovery,
      OpenApiV3 openApi,
      ResourceHandler resources,
      ReviewHandler reviews,
      Auditor auditor,
      ApiMetrics metrics,
      BooleanSupplier ready,
      int maxInFlight,
      String serverAddress,
      Duration requestTimeout) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.discovery = discovery;
    this.openApi = openApi;
    this.openApiV2 = new io.k8j.apiserver.openapi.OpenApiV2(openApi);
    this.resources = resources;
    this.reviews = reviews;
    this.auditor = auditor;
    this.metrics = metrics;
    this.ready = ready;
    this.inFlight = new Semaphore(maxInFlight);
    this.serverAddress = serverAddress;
    this.requestTimeout = requestTimeout;
  }

  /** Serves the resources of {@code group} with {@code handler} instead of the store's. */
  public void serveGroup(String group, GroupHandler handler) {
    groups.put(group, handler);
  }

  /**
   * Serves the JSON document {@code body} gives at the non-resource {@code path} (authorized as any
   * non-resource path): the service-account issuer's OpenID discovery documents.
   */
  public void serveDocument(String path, java.util.function.Supplier<Object> body) {
    documents.put(path, body);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    HttpExchange ex = new HttpExchange(request, response, callback);
    RequestInfo info = RequestInfo.parse(ex.method(), ex.path(), ex.queryFlag("watch"));
    metrics.started();
    boolean acquired = false;
    ScheduledFuture<?> timeout = null;
    java.time.Instant received = java.time.Instant.now();
    Auditor.Event audit = null;
    ApiException failure = null;
    try {
      boolean longRunning =
          info.verb().equals("watch") || LONG_RUNNING_SUBRESOURCES.contains(info.subresource());
      if (!PUBLIC.contains(ex.path())) {
        UserInfo authenticated = authenticate(ex);
        audit = beginAudit(ex, info, authenticated, received, longRunning);
        ex.user(impersonate(ex, authenticated));
        authorize(ex, info);
      }
      if (!longRunning) {
        acquired = inFlight.tryAcquire();
        if (!acquired) {
          throw ApiException.tooManyRequests();
        }
        timeout = scheduleTimeout(ex, Thread.currentThread());
      }
      Negotiation.Choice choice = Negotiation.choose(ex.header("Accept"));
      UserInfo user = ex.user() == null ? UserInfo.ANONYMOUS : ex.user();
      RequestContext.run(
          user,
          warning -> ex.addHeader("Warning", warningHeader(warning)),
          () -> {
            if (info.resourceRequest() && ReviewResources.isReview(info.group(), info.resource())) {
              reviews.handle(ex, info, choice);
            } else if (info.resourceRequest() && groups.containsKey(info.group())) {
              groups.get(info.group()).handle(ex, info, choice);
            } else if (info.resourceRequest()) {
              resources.handle(ex, info, choice);
            } else {
              nonResource(ex, choice);
            }
          });
    } catch (ApiException e) {
      failure = e;
      respond(ex, e);
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", ex.method(), ex.path(), e);
      if (audit != null) {
        audit.panic(ex.user(), e);
        audit = null;
      }
      failure = ApiException.internal(e.toString());
      respond(ex, failure);
    } finally {
      if (audit != null) {
        completeAudit(ex, audit, failure);
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (acquired) {
        inFlight.release();
      }
      metrics.finished(info.verb(), info.resource(), ex.status(), System.nanoTime() - start);
    }
    return true;
  }

  /**
   * Starts the audit event of an authenticated request (its RequestReceived stage), sends its
   * {@code Audit-ID} and, for a long-running request, logs ResponseStarted when its response
   * starts; null when nothing is audited.
   */
  private Auditor.Event beginAudit(
      HttpExchange ex,
      RequestInfo info,
      UserInfo authenticated,
      java.time.Instant received,
      boolean longRunning) {
    if (auditor == null) {
      return null;
    }
    try {
      String query = ex.rawQuery();
      Auditor.Event event =
          auditor.begin(
              new Auditor.Request(
                  attributes(info, authenticated, ex),
                  query == null || query.isEmpty() ? ex.path() : ex.path() + "?" + query,
                  info.version(),
                  ex.remoteAddress(),
                  ex.header("User-Agent"),
                  received));
      ex.setHeader("Audit-ID", event.id());
      if (longRunning) {
        ex.onResponseStarted(event::responseStarted);
      }
      return event;
    } catch (RuntimeException e) {
      LOG.warn("audit of {} {} failed: {}", ex.method(), ex.path(), e.toString());
      return null;
    }
  }

  private static void completeAudit(HttpExchange ex, Auditor.Event audit, ApiException failure) {
    try {
      audit.responseComplete(
          new Auditor.Outcome(
              ex.user(),
              ex.status(),
              failure == null ? null : failure.toStatus(),
              ex.bodyIfRead(),
              ex.responseBody()));
    } catch (RuntimeException e) {
      LOG.warn("audit of {} {} failed: {}", ex.method(), ex.path(), e.toString());
    }
  }

  private static Attributes attributes(RequestInfo info, UserInfo user, HttpExchange ex) {
    return info.resourceRequest()
        ? Attributes.resource(
            user,
            info.verb(),
            info.group(),
            info.resource(),
            info.subresource(),
            info.namespace(),
            info.name())
        : Attributes.nonResource(user, ex.method().toLowerCase(), ex.path());
  }

  /** A {@code Warning} header as upstream writes one: {@code 299 - "text"}. */
  static String warningHeader(String text) {
    return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private UserInfo authenticate(HttpExchange ex) {
    UserInfo user;
    try {
      user = authenticator.authenticate(ex.clientCertificates(), ex.header("Authorization"));
    } catch (Authenticator.InvalidCredentialsException e) {
      throw ApiException.unauthorized();
    }
    return user;
  }

  /**
   * The user named by {@code Impersonate-User} / {@code Impersonate-Group}, when the authenticated
   * user holds the {@code impersonate} verb on each of them; else 403.
   */
  private UserInfo impersonate(HttpExchange ex, UserInfo user) {
    String name = ex.header("Impersonate-User");
    List<String> groups = ex.headers("Impersonate-Group");
    if (name == null || name.isEmpty()) {
      if (!groups.isEmpty()) {
        throw ApiException.badRequest("requested [Impersonate-Group] without impersonating a user");
      }
      return user;
    }
    String[] sa = name.startsWith("system:serviceaccount:") ? name.split(":", 4) : null;
    Attributes asUser =
        sa != null && sa.length == 4
            ? Attributes.resource(user, "impersonate", "", "serviceaccounts", "", sa[2], sa[3])
            : Attributes.resource(user, "impersonate", "", "users", "", "", name);
    check(asUser);
    java.util.ArrayList<String> all = new java.util.ArrayList<>();
    for (String g : groups) {
      check(Attributes.resource(user, "impersonate", "", "groups", "", "", g));
      all.add(g);
    }
    if (sa != null && sa.length == 4) {
      all.add("system:serviceaccounts");
      all.add("system:serviceaccounts:" + sa[2]);
    }
    return UserInfo.authenticated(name, "", all);
  }

  private void check(Attributes a) {
    if (!authorizer.allows(a)) {
      throw ApiException.forbidden(
          new io.k8j.apiserver.registry.GroupResource(a.apiGroup(), a.resource()),
          a.name(),
          denial(a),
          null);
    }
  }

  /** Upstream's denial: the forbidden message, then the authorizers' reasons if any. */
  private String denial(Attributes a) {
    String reason = authorizer.denyReason(a);
    return reason.isEmpty() ? a.forbiddenMessage() : a.forbiddenMessage() + ": " + reason;
  }

  /** 403 with upstream's message unless the authorizer allows the request. */
  private void authorize(HttpExchange ex, RequestInfo info) {
    Attributes a = attributes(info, ex.user(), ex);
    if (authorizer.allows(a)) {
      return;
    }
    if (!a.resourceRequest()) {
      throw new ApiException(403, "Forbidden", "forbidden: " + denial(a), null);
    }
    throw ApiException.forbidden(
        new io.k8j.apiserver.registry.GroupResource(a.apiGroup(), a.resource()),
        a.name(),
        denial(a),
        null);
  }

  /**
   * Answers 504 if the request is still unanswered at its deadline (the server's, or a shorter
   * {@code timeout} the client asked for), and interrupts the thread serving it.
   */
  private ScheduledFuture<?> scheduleTimeout(HttpExchange ex, Thread worker) {
    Duration limit = requestTimeout;
    Duration asked = GoDurations.parse(ex.query("timeout"));
    if (asked != null && asked.compareTo(limit) < 0 && !asked.isZero()) {
      limit = asked;
    }
    return timer.schedule(
        () -> {
          if (!ex.answered()) {
            Responses.status(
                ex,
                ApiException.timeout(
                    "Timeout: request did not complete within requested timeout - context deadline"
                        + " exceeded"));
            worker.interrupt();
          }
        },
        limit.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Answers with the error's Status, unless an answer (a timeout, a stream) already went out. */
  private static void respond(HttpExchange ex, ApiException e) {
    if (!ex.answered()) {
      Responses.status(ex, e);
    }
  }

  private void nonResource(HttpExchange ex, Negotiation.Choice choice) {
    String path = ex.path();
    List<String> parts = RequestInfo.nonResource(ex.method(), path).parts();
    switch (path) {
      case "/healthz", "/livez" -> text(ex, 200, "ok");
      case "/readyz" -> {
        if (ready.getAsBoolean()) {
          text(ex, 200, "ok");
        } else {
          text(ex, 500, "[-]store failed: not ready\nreadyz check failed");
        }
      }
      case "/version" -> Responses.document(ex, Negotiation.Choice.JSON, 200, version());
      case "/metrics" ->
          ex.send(
              200,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.scrape().getBytes(StandardCharsets.UTF_8));
      case "/api" -> {
        if (choice.format() == Negotiation.Format.DISCOVERY_V2) {
          aggregated(ex, true, choice.version());
        } else {
          Responses.document(ex, choice, 200, discovery.apiVersions(serverAddress));
        }
      }
      case "/apis" -> {
        if (choice.format() == Negotiation.Format.DISCOVERY_V2) {
          aggregated(ex, false, choice.version());
        } else {
          Responses.document(ex, choice, 200, discovery.groupList());
        }
      }
      case "/openapi/v3" -> Responses.document(ex, Negotiation.Choice.JSON, 200, openApi.root());
      case "/openapi/v2" -> openApiV2(ex);
      default -> {
        if (documents.containsKey(path) && ex.method().equals("GET")) {
          ex.send(
              200,
              "application/json",
              Json.bytes(Json.MAPPER.valueToTree(documents.get(path).get())));
          return;
        }
        ObjectNode doc = null;
        if (parts.size() == 2 && parts.get(0).equals("api")) {
          doc = discovery.resourceList("", parts.get(1));
        } else if (parts.size() == 2 && parts.get(0).equals("apis")) {
          doc = discovery.group(parts.get(1));
        } else if (parts.size() == 3 && parts.get(0).equals("apis")) {
          doc = discovery.resourceList(parts.get(1), parts.get(2));
        } else if (parts.size() == 4 && path.startsWith("/openapi/v3/api/")) {
          openApiV3(ex, "", parts.get(3));
          return;
        } else if (parts.size() == 5 && path.startsWith("/openapi/v3/apis/")) {
          openApiV3(ex, parts.get(3), parts.get(4));
          return;
        }
        if (doc == null) {
          if (parts.isEmpty() || parts.get(0).equals("api") || parts.get(0).equals("apis")) {
            throw ApiException.notFoundPath();
          }
          text(ex, 404, "404 page not found");
          return;
        }
        Responses.document(
            ex,
            choice.format() == Negotiation.Format.YAML ? choice : Negotiation.Choice.JSON,
            200,
            doc);
      }
    }
  }

  /**
   * One group-version's OpenAPI v3 document. Its URL carries the hash of its content: a request
   * with the current hash may be cached for good; one with an old hash is redirected to the current
   * URL, as upstream does.
   */
  private void openApiV3(HttpExchange ex, String group, String version) {
    OpenApiV3.Document doc = openApi.document(group, version);
    if (doc == null) {
      throw ApiException.notFoundPath();
    }
    String hash = ex.query("hash");
    String etag = "\"" + doc.hash() + "\"";
    if (hash != null && !hash.isEmpty() && !hash.equals(doc.hash())) {
      ex.setHeader("Location", ex.path() + "?hash=" + doc.hash());
      ex.setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
      ex.send(301, "text/plain; charset=utf-8", new byte[0]);
      return;
    }
    ex.setHeader("ETag", etag);
    ex.setHeader(
        "Cache-Control",
        hash == null || hash.isEmpty() ? "no-cache, private" : "public, immutable");
    if (etag.equals(ex.header("If-None-Match"))) {
      ex.send(304, "application/json", new byte[0]);
      return;
    }
    ex.send(200, "application/json", doc.bytes());
  }

  /**
   * {@code /openapi/v2}: the protobuf form when asked for (kubectl), else JSON; the same document.
   */
  private void openApiV2(HttpExchange ex) {
    String accept = ex.header("Accept");
    if (accept != null && accept.contains("protobuf")) {
      ex.send(
          200,
          "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
          io.k8j.apiserver.openapi.OpenApiV2Protobuf.encode(openApiV2.document()));
      return;
    }
    Responses.document(ex, Negotiation.Choice.JSON, 200, openApiV2.document());
  }

  private void aggregated(HttpExchange ex, boolean core, String version) {
    ex.send(
        200,
        "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList",
        Json.bytes(discovery.aggregated(core, version)));
  }

  private static void text(HttpExchange ex, int code, String body) {
    ex.send(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode version() {
    return Json.object()
        .put("major", "1")
        .put("minor", "32")
        .put("gitVersion", "v1.32.0-k8j")
        .put("gitCommit", "")
        .put("gitTreeState", "clean")
        .put("buildDate", "2025-01-01T00:00:00Z")
        .put("goVersion", "java" + Runtime.version().feature())
        .put("compiler", "javac")
        .put("platform", "linux/amd64");
  }
}

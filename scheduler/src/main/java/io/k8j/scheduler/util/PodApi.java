package io.k8j.scheduler.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's writes to pods, as upstream's {@code scheduler/util}: bind, patch status (a JSON
 * merge patch of {@code status}), delete. Asynchronous, on the client's HTTP client, so that no
 * scheduler thread waits on the API server unless it chooses to.
 *
 * <p>At most {@code maxInFlight} requests are on the wire at once; the rest wait their turn here.
 * The HTTP client opens a connection (a TLS handshake, milliseconds of CPU on both sides) for each
 * request beyond those in flight, so an unbounded burst of bindings would cost more in handshakes
 * than in bindings.
 */
public final class PodApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final int DEFAULT_MAX_IN_FLIGHT = 16;

  private final KubernetesClient client;
  private final String base;
  private final int maxInFlight;
  private final java.util.ArrayDeque<Runnable> waiting = new java.util.ArrayDeque<>();
  private int inFlight;

  public PodApi(KubernetesClient client) {
    this(client, DEFAULT_MAX_IN_FLIGHT);
  }

  public PodApi(KubernetesClient client, int maxInFlight) {
    this.client = client;
    this.base = client.getMasterUrl().toString().replaceAll("/$", "");
    this.maxInFlight = maxInFlight;
  }

  /** An API call that did not succeed: the HTTP code and the Status message. */
  public static final class ApiError extends RuntimeException {
    private final int code;

    ApiError(int code, String message) {
      super(message);
      this.code = code;
    }

    public int code() {
      return code;
    }

    public boolean isNotFound() {
      return code == 404;
    }

    public boolean isConflict() {
      return code == 409;
    }
  }

  /** POSTs a Binding of the pod to {@code node}. */
  public CompletableFuture<Void> bind(String namespace, String name, String uid, String node) {
    ObjectNode b = JSON.createObjectNode();
    b.put("apiVersion", "v1").put("kind", "Binding");
    b.putObject("metadata").put("name", name).put("namespace", namespace).put("uid", uid);
    b.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node);
    return send("POST", podPath(namespace, name) + "/binding", "application/json", b.toString());
  }

  /** Merge-patches the pod's status with {@code status} (only the fields given change). */
  public CompletableFuture<Void> patchStatus(String namespace, String name, ObjectNode status) {
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", status);
    return send(
        "PATCH",
        podPath(namespace, name) + "/status",
        "application/merge-patch+json",
        patch.toString());
  }

  /** Deletes the pod with its own grace period, only if it is still the same pod (UID). */
  public CompletableFuture<Void> delete(String namespace, String name, String uid) {
    ObjectNode opts = JSON.createObjectNode();
    opts.put("apiVersion", "v1").put("kind", "DeleteOptions");
    opts.putObject("preconditions").put("uid", uid);
    return send("DELETE", podPath(namespace, name), "application/json", opts.toString());
  }

  /**
   * The pod's conditions with {@code condition} set as upstream's {@code UpdatePodCondition} sets
   * it (the transition time kept when the status does not change), or null when nothing changes.
   */
  public static ArrayNode conditionsWith(Pod pod, PodCondition condition, Instant now) {
    List<PodCondition> existing =
        pod.getStatus() == null || pod.getStatus().getConditions() == null
            ? List.of()
            : pod.getStatus().getConditions();
    List<PodCondition> out = new ArrayList<>(existing.size() + 1);
    boolean found = false;
    boolean changed = false;
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (PodCondition c : existing) {
      if (!condition.getType().equals(c.getType())) {
        out.add(c);
        continue;
      }
      found = true;
      boolean sameStatus = Objects.equals(c.getStatus(), condition.getStatus());
      if (sameStatus
          && Objects.equals(c.getReason(), condition.getReason())
          && Objects.equals(c.getMessage(), condition.getMessage())) {
        out.add(c);
        continue;
      }
      changed = true;
      PodCondition n = copy(condition);
      n.setLastTransitionTime(sameStatus ? c.getLastTransitionTime() : nowText);
      out.add(n);
    }
    if (!found) {
      changed = true;
      PodCondition n = copy(condition);
      n.setLastTransitionTime(nowText);
      out.add(n);
    }
    if (!changed) {
      return null;
    }
    return JSON.valueToTree(out);
  }

  private static PodCondition copy(PodCondition c) {
    PodCondition n = new PodCondition();
    n.setType(c.getType());
    n.setStatus(c.getStatus());
    n.setReason(c.getReason());
    n.setMessage(c.getMessage());
    return n;
  }

  private String podPath(String namespace, String name) {
    return "/api/v1/namespaces/" + enc(namespace) + "/pods/" + enc(name);
  }

  /** Any request: {@code path} from the API root, e.g. {@code /api/v1/namespaces/a/events}. */
  public CompletableFuture<Void> send(String method, String path, String type, String body) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    Runnable start =
        () ->
            sendNow(method, path, type, body)
                .whenComplete(
                    (v, e) -> {
                      release();
                      if (e != null) {
                        result.completeExceptionally(e);
                      } else {
                        result.complete(v);
                      }
                    });
    boolean now;
    synchronized (waiting) {
      now = inFlight < maxInFlight;
      if (now) {
        inFlight++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result;
  }

  private void release() {
    Runnable next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  private CompletableFuture<Void> sendNow(String method, String path, String type, String body) {
    HttpClient http = client.getHttpClient();
    HttpRequest req =
        http.newHttpRequestBuilder()
            .uri(base + path)
            .method(method, type, body)
            .timeout(30, TimeUnit.SECONDS)
            .build();
    return http.sendAsync(req, String.class).thenApply(PodApi::check);
  }

  private static Void check(HttpResponse<String> resp) {
    if (resp.isSuccessful()) {
      return null;
    }
    String msg = "HTTP " + resp.code();
    try {
      JsonNode s = JSON.readTree(resp.body());
      String m = s.path("message").asText("");
      if (!m.isEmpty()) {
        msg = m;
      }
    } catch (Exception e) {
      // not a Status body: keep the code
    }
    throw new ApiError(resp.code(), msg);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

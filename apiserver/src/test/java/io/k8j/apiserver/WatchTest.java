package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watches as clients see them: no replay, synthetic ADDED from 0, selections, 410 as an ERROR
 * event.
 */
class WatchTest {
  static TestApiServer server;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    api = new ApiClient(server.kubeconfig());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Reads a watch stream's events on a virtual thread until closed. */
  static final class Events implements AutoCloseable {
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final HttpResponse<InputStream> response;

    Events(String path) throws Exception {
      this(api, path);
    }

    Events(ApiClient client, String path) throws Exception {
      response = client.stream(path);
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                      events.add(Json.MAPPER.readTree(line));
                    }
                  }
                } catch (Exception ignored) {
                  // the stream was closed by the test
                }
              });
    }

    List<String> summary() {
      return events.stream()
          .map(
              e ->
                  e.path("type").asText()
                      + " "
                      + e.path("object").path("metadata").path("name").asText())
          .toList();
    }

    @Override
    public void close() throws Exception {
      response.body().close();
    }
  }

  static ObjectNode cm(String name, String label) {
    ObjectNode cm = ApiServerTest.configMap(name);
    Json.child(Json.metadata(cm), "labels").put("tier", label);
    return cm;
  }

  static void namespace(String name) throws Exception {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(ns).put("name", name);
    api.post("/api/v1/namespaces", ns);
  }

  @Test
  void aWatchWhoseHttp11ClientHangsUpIsEndedWithoutWaitingForAnEvent() throws Exception {
    try (TestApiServer own = TestApiServer.start()) {
      hangUpMidWatch(new ApiClient(own.kubeconfig()));
    }
  }

  private static void hangUpMidWatch(ApiClient api) throws Exception {
    long before = registeredWatchers(api);
    java.net.URI uri = java.net.URI.create(api.server());
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            api.ssl().getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.3"});
      javax.net.ssl.SSLParameters params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\n"
                      + "Host: "
                      + uri.getHost()
                      + "\r\nAuthorization: Bearer "
                      + api.token()
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      await().atMost(Duration.ofSeconds(30)).until(() -> registeredWatchers(api) == before + 1);
    }
    // the client is gone and nothing changes in configmaps: the server must notice by itself
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(registeredWatchers(api)).isEqualTo(before));
  }

  private static long registeredWatchers(ApiClient api) throws Exception {
    for (String line : api.get("/metrics").body().split("\n")) {
      if (line.startsWith("apiserver_registered_watchers ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip());
      }
    }
    throw new AssertionError("no apiserver_registered_watchers in /metrics");
  }

  @Test
  void aWatchFromAListsResourceVersionReplaysNothingAndSeesEveryChange() throws Exception {
    namespace("w1");
    api.post("/api/v1/namespaces/w1/configmaps", cm("before", "a"));
    String rv =
        api.get("/api/v1/namespaces/w1/configmaps")
            .json()
            .path("metadata")
            .path("resourceVersion")
            .asText();
    try (Events w =
        new Events("/api/v1/namespaces/w1/configmaps?watch=true&resourceVersion=" + rv)) {
      ObjectNode created = api.post("/api/v1/namespaces/w1/configmaps", cm("during", "a")).json();
      ((ObjectNode) created.path("data")).put("k", "changed");
      api.put("/api/v1/namespaces/w1/configmaps/during", created);
      api.delete("/api/v1/namespaces/w1/configmaps/during");
      await().atMost(Duration.ofSeconds(60)).until(() -> w.events.size() >= 3);
      assertThat(w.summary()).containsExactly("ADDED during", "MODIFIED during", "DELETED during");
      assertThat(w.events.get(1).path("object").path("data").path("k").asText())
          .isEqualTo("changed");
    }
  }

  @Test
  void aWatchFromZeroStartsWithTheCurrentObjectsAsAdded() throws Exception {
    namespace("w2");
    api.post("/api/v1/namespaces/w2/configmaps", cm("one", "a"));
    api.post("/api/v1/namespaces/w2/configmaps", cm("two", "a"));
    try (Events w =
        new Events(
            "/api/v1/namespaces/w2/configmaps?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dtwo")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !w.events.isEmpty());
      assertThat(w.summary()).containsExactly("ADDED two");
    }
  }

  @Test
  void objectsMovingOutOfALabelSelectionAreDeletedForTheWatcher() throws Exception {
    namespace("w3");
    ObjectNode obj = api.post("/api/v1/namespaces/w3/configmaps", cm("mover", "in")).json();
    String rv = obj.path("metadata").path("resourceVersion").asText();
    try (Events w =
        new Events(
            "/api/v1/namespaces/w3/configmaps?watch=true&labelSelector=tier%3Din&resourceVersion="
                + rv)) {
      ((ObjectNode) obj.path("metadata").path("labels")).put("tier", "out");
      obj = api.put("/api/v1/namespaces/w3/configmaps/mover", obj).json();
      ((ObjectNode) obj.path("metadata").path("labels")).put("tier", "in");
      api.put("/api/v1/namespaces/w3/configmaps/mover", obj);
      await().atMost(Duration.ofSeconds(60)).until(() -> w.events.size() >= 2);
      assertThat(w.summary()).containsExactly("DELETED mover", "ADDED mover");
    }
  }

  @Test
  void aWatchEndsAtItsTimeout() throws Exception {
    try (Events w =
        new Events("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                try {
                  return w.response.body().read() == -1;
                } catch (java.io.IOException e) {
                  return true;
                }
              });
    }
  }

  /**
   * As upstream's cacher: the watch starts (200) and its one event is an ERROR holding a 410
   * Status, then it ends; clients take that as the sign to list again. (fabric8 over WebSocket
   * takes an HTTP 410 for a connection error and retries the same resourceVersion for good.)
   */
  @Test
  void aWatchFromHistoryTheCacheNeverHadGetsAGoneErrorEvent() throws Exception {
    Path dir = Files.createTempDirectory("k8j-gone");
    try (TestApiServer first = new TestApiServer(dir, 0)) {
      new ApiClient(first.kubeconfig())
          .post("/api/v1/namespaces/default/configmaps", cm("old", "a"));
    }
    try (TestApiServer again = new TestApiServer(dir, 0)) {
      ApiClient client = new ApiClient(again.kubeconfig());
      var r = client.get("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2");
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().strip().lines().toList()).hasSize(1);
      assertGone(r.json());

      List<JsonNode> events = new CopyOnWriteArrayList<>();
      AtomicBoolean closed = new AtomicBoolean();
      java.net.http.WebSocket ws =
          watchOverWebSocket(client, again.kubeconfig(), "default", "2", events, closed);
      try {
        await().atMost(Duration.ofSeconds(60)).untilTrue(closed);
        assertThat(events).hasSize(1);
        assertGone(events.get(0));
      } finally {
        ws.abort();
      }
    }
  }

  private static void assertGone(JsonNode event) {
    assertThat(event.path("type").asText()).isEqualTo("ERROR");
    assertThat(event.path("object").path("kind").asText()).isEqualTo("Status");
    assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
    assertThat(event.path("object").path("reason").asText()).isEqualTo("Expired");
    assertThat(event.path("object").path("message").asText())
        .startsWith("too old resource version");
  }

  @Test
  void aWatchOverWebSocketSendsOneTextMessagePerEvent() throws Exception {
    namespace("w4");
    String rv =
        api.get("/api/v1/namespaces/w4/configmaps")
            .json()
            .path("metadata")
            .path("resourceVersion")
            .asText();
    List<JsonNode> events = new CopyOnWriteArrayList<>();
    java.net.http.WebSocket ws =
        watchOverWebSocket(api, server.kubeconfig(), "w4", rv, events, new AtomicBoolean());
    try {
      api.post("/api/v1/namespaces/w4/configmaps", cm("ws", "a"));
      api.delete("/api/v1/namespaces/w4/configmaps/ws");
      await().atMost(Duration.ofSeconds(60)).until(() -> events.size() >= 2);
      assertThat(events)
          .extracting(
              e ->
                  e.path("type").asText()
                      + " "
                      + e.path("object").path("metadata").path("name").asText())
          .containsExactly("ADDED ws", "DELETED ws");
    } finally {
      ws.abort();
    }
  }

  /**
   * A WebSocket watch of a namespace's config maps from {@code rv}; events and its end recorded.
   */
  private static java.net.http.WebSocket watchOverWebSocket(
      ApiClient client,
      Path kubeconfig,
      String namespace,
      String rv,
      List<JsonNode> events,
      AtomicBoolean closed)
      throws Exception {
    String token = Files.readString(kubeconfig).replaceAll("(?s).*token: (\\S+).*", "$1");
    return client
        .http()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(
            java.net.URI.create(
                client.server().replace("https:", "wss:")
                    + "/api/v1/namespaces/"
                    + namespace
                    + "/configmaps?watch=true&resourceVersion="
                    + rv),
            new java.net.http.WebSocket.Listener() {
              final StringBuilder text = new StringBuilder();

              @Override
              public java.util.concurrent.CompletionStage<?> onText(
                  java.net.http.WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                  try {
                    events.add(Json.MAPPER.readTree(text.toString()));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  text.setLength(0);
                }
                socket.request(1);
                return null;
              }

              @Override
              public java.util.concurrent.CompletionStage<?> onClose(
                  java.net.http.WebSocket socket, int statusCode, String reason) {
                closed.set(true);
                return null;
              }

              @Override
              public void onError(java.net.http.WebSocket socket, Throwable error) {
                closed.set(true);
              }
            })
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}

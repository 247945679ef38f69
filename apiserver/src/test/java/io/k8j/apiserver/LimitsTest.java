package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In-flight limit, request timeouts, bookmarks, metrics and compaction, on a server allowing one
 * request at a time and compacting every half second.
 */
class LimitsTest {
  static TestApiServer server;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    server =
        new TestApiServer(
            ApiServerOptions.defaults(Files.createTempDirectory("k8j-limits"))
                .withPort(0)
                .withBindAddress("127.0.0.1")
                .withMaxInFlight(1)
                .withBookmarkInterval(Duration.ofMillis(300))
                .withCompactionInterval(Duration.ofMillis(500)));
    api = new ApiClient(server.kubeconfig());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** A list that waits (up to 3 s) for a revision the store will not reach. */
  static final String SLOW = "/api/v1/namespaces/default/configmaps?resourceVersion=99999999";

  @Test
  void pastTheInFlightLimitRequestsGet429WithRetryAfter() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread slow =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!done.get()) {
                    try {
                      api.get(SLOW);
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                HttpResponse<String> r =
                    api.http()
                        .send(
                            api.request("/api/v1/namespaces").GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
              });
    } finally {
      done.set(true);
      slow.join();
    }
  }

  @Test
  void aRequestPastItsTimeoutIsAnswered504AtTheDeadline() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              long start = System.nanoTime();
              ApiClient.Response r = api.get(SLOW + "&timeout=500ms");
              assertThat(r.code()).isEqualTo(504);
              assertThat(r.json().path("message").asText())
                  .startsWith("Timeout: request did not complete within requested timeout");
              assertThat(Duration.ofNanos(System.nanoTime() - start))
                  .isLessThan(Duration.ofMillis(2500));
            });
  }

  @Test
  void idleWatchesThatAskGetBookmarksAtTheCurrentRevision() throws Exception {
    String rv =
        api.get("/api/v1/namespaces/default/configmaps")
            .json()
            .path("metadata")
            .path("resourceVersion")
            .asText();
    try (WatchTest.Events w =
        eventsOf(
            api,
            "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion="
                + rv)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !w.events.isEmpty());
      JsonNode e = w.events.get(0);
      assertThat(e.path("type").asText()).isEqualTo("BOOKMARK");
      assertThat(e.path("object").path("kind").asText()).isEqualTo("ConfigMap");
      assertThat(e.path("object").path("metadata").path("resourceVersion").asLong())
          .isGreaterThanOrEqualTo(Long.parseLong(rv));
    }
  }

  @Test
  void metricsCountRequestsByVerbResourceAndCode() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              api.get("/api/v1/namespaces/default/pods/missing");
              String metrics = api.get("/metrics").body();
              assertThat(metrics)
                  .contains("apiserver_request_total{code=\"404\",resource=\"pods\",verb=\"get\"}");
              assertThat(metrics).contains("apiserver_request_duration_seconds_bucket");
              assertThat(metrics).contains("apiserver_registered_watchers");
            });
  }

  @Test
  void historyIsCompactedSoOldExactListsAreGoneButTheCacheStillServesWatches() throws Exception {
    String rv =
        api.get("/api/v1/namespaces/default/configmaps")
            .json()
            .path("metadata")
            .path("resourceVersion")
            .asText();
    api.post("/api/v1/namespaces/default/configmaps", ApiServerTest.configMap("after-rv"));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ApiClient.Response r =
                  api.get(
                      "/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact&resourceVersion="
                          + rv);
              assertThat(r.code()).isEqualTo(410);
              assertThat(r.json().path("reason").asText()).isEqualTo("Expired");
            });
    try (WatchTest.Events w =
        eventsOf(api, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + rv)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  w.events.stream()
                      .anyMatch(
                          e ->
                              e.path("object")
                                  .path("metadata")
                                  .path("name")
                                  .asText()
                                  .equals("after-rv")));
    }
  }

  static WatchTest.Events eventsOf(ApiClient client, String path) throws Exception {
    return new WatchTest.Events(client, path);
  }
}

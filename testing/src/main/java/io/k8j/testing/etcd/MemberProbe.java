package io.k8j.testing.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Asks one etcd member about itself over its client URL: {@code /health} and the {@code
 * etcd_server_*} gauges of {@code /metrics}. Plain HTTP, so that the harness needs no etcd client.
 */
final class MemberProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

  private final String clientUrl;

  MemberProbe(String clientUrl) {
    this.clientUrl = clientUrl;
  }

  /** Whether the member answers /health with {@code "health":"true"} (it has a leader). */
  boolean healthy() {
    String body = get("/health");
    return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
  }

  /** Whether the member reports itself as the raft leader. */
  boolean leader() {
    return gauge("etcd_server_is_leader").orElse(0) == 1;
  }

  private OptionalLong gauge(String name) {
    String metrics = get("/metrics");
    if (metrics == null) {
      return OptionalLong.empty();
    }
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return OptionalLong.of((long) Double.parseDouble(line.substring(name.length() + 1).trim()));
      }
    }
    return OptionalLong.empty();
  }

  /** The body of a 200 answer, or null if the member did not give one. */
  private String get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(clientUrl + path)).timeout(TIMEOUT).GET().build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}

package io.k8j.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A raw HTTP client for tests, configured from the admin kubeconfig the server wrote: it trusts
 * only the server's CA and sends the admin token, as kubectl does.
 */
public final class ApiClient {
  /** A response: status, content type and body. */
  public record Response(int code, String contentType, String body) {
    public ObjectNode json() {
      return Json.parseObject(body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final HttpClient http;
  private final String server;
  private final String token;

  private final SSLContext ssl;

  public ApiClient(Path kubeconfig) throws Exception {
    String cfg = Files.readString(kubeconfig);
    this.server = find(cfg, "server: (\\S+)");
    this.token = find(cfg, "token: (\\S+)");
    byte[] ca = Base64.getDecoder().decode(find(cfg, "certificate-authority-data: (\\S+)"));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(ca)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    this.ssl = ssl;
    this.http =
        HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(30)).build();
  }

  /** The TLS context that trusts the cluster CA (for raw sockets). */
  public SSLContext ssl() {
    return ssl;
  }

  /** The admin's bearer token. */
  public String token() {
    return token;
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("kubeconfig has no " + regex);
    }
    return m.group(1);
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token);
  }

  public Response send(HttpRequest.Builder req) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(
        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  public Response get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  public Response post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
  }

  public Response put(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
  }

  public Response delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE());
  }

  /** Opens a streaming GET (a watch); the caller reads lines and closes the stream. */
  public HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  public HttpClient http() {
    return http;
  }

  public String server() {
    return server;
  }
}

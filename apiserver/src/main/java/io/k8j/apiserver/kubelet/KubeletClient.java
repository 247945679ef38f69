package io.k8j.apiserver.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.auth.ClusterPki;
import io.k8j.apiserver.auth.Identity;
import io.k8j.apiserver.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Calls a node's kubelet API ({@code https://<address>:<kubelet port>}) with the API server's
 * kubelet-client certificate. The node's address is the first of its InternalIP, ExternalIP and
 * Hostname addresses, its port the one the kubelet reports in {@code daemonEndpoints}. As upstream
 * without {@code --kubelet-certificate-authority}, the kubelet's serving certificate is not
 * verified (kubelets serve self-signed certificates).
 */
public final class KubeletClient {
  private static final List<String> ADDRESS_TYPES = List.of("InternalIP", "ExternalIP", "Hostname");

  private final HttpClient http;
  private final SSLContext tls;
  private final Function<String, ObjectNode> nodes;

  /**
   * @param nodes the Node object of a name, or null when there is none
   */
  public KubeletClient(ClusterPki pki, Function<String, ObjectNode> nodes) {
    this.nodes = nodes;
    this.tls = sslContext(pki);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
            .sslContext(tls)
            .build();
  }

  private static SSLContext sslContext(ClusterPki pki) {
    try {
      ClusterPki.ClientCredentials c = pki.clientCredentials(Identity.KUBELET_CLIENT);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", c.key(), new char[0], new X509Certificate[] {c.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {new AnyServer()}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("could not set up TLS to the kubelets", e);
    }
  }

  /** TLS with the kubelet-client certificate, for connections the caller drives itself. */
  public SSLContext tls() {
    return tls;
  }

  /** The base URL of a node's kubelet API. */
  public URI base(String nodeName) {
    ObjectNode node = nodes.apply(nodeName);
    if (node == null) {
      throw ApiException.notFound(
          new io.k8j.apiserver.registry.GroupResource("", "nodes"), nodeName);
    }
    JsonNode status = node.path("status");
    int port = status.path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
    if (port <= 0) {
      throw unavailable(nodeName, "it reports no kubelet port");
    }
    for (String type : ADDRESS_TYPES) {
      for (JsonNode a : status.path("addresses")) {
        if (a.path("type").asText().equals(type) && !a.path("address").asText().isEmpty()) {
          String host = a.path("address").asText();
          return URI.create(
              "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        }
      }
    }
    throw unavailable(nodeName, "it reports no address");
  }

  /**
   * Opens {@code pathAndQuery} on the node's kubelet; the caller reads and closes the body.
   *
   * @throws ApiException 503 when the kubelet cannot be reached
   */
  public HttpResponse<InputStream> open(String nodeName, String pathAndQuery) {
    URI uri = URI.create(base(nodeName) + pathAndQuery);
    try {
      return http.send(
          HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unavailable(nodeName, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(nodeName, "interrupted");
    }
  }

  /** Reads a whole small answer (JSON, metrics) from the kubelet, failing unless it is 200. */
  public String get(String nodeName, String pathAndQuery, Duration timeout) {
    URI uri = URI.create(base(nodeName) + pathAndQuery);
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200) {
        throw unavailable(nodeName, uri.getPath() + " answered " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw unavailable(nodeName, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(nodeName, "interrupted");
    }
  }

  private static ApiException unavailable(String node, String why) {
    return new ApiException(
        503,
        "ServiceUnavailable",
        "the kubelet of node \"" + node + "\" cannot be reached: " + why,
        null);
  }

  /** Accepts any server certificate (the kubelets' are self-signed), without host checks. */
  private static final class AnyServer extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}
  }
}

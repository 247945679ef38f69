package io.k8j.kubelet;

import io.k8j.apiserver.auth.Identity;
import io.k8j.testing.cluster.TestApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Talking to a kubelet's HTTPS API from a test, as the API server or another client would. */
public final class KubeletTls {
  private KubeletTls() {}

  /** A client certificate of the cluster CA of {@code api} naming {@code identity}, and its key. */
  public static KeyManager[] keysOf(TestApiServer api, Identity identity) throws Exception {
    var c = api.server().pki().clientCredentials(identity);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", c.key(), new char[0], new X509Certificate[] {c.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  /** TLS presenting {@code keys} (none when null), trusting any server certificate. */
  public static SSLContext trustAll(KeyManager[] keys) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        keys,
        new TrustManager[] {
          new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            public void checkServerTrusted(X509Certificate[] c, String a) {}

            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return ctx;
  }

  /** The kubelet's {@code /metrics} on {@code port}, fetched as the API server's kubelet client. */
  public static String metrics(TestApiServer api, int port) throws Exception {
    HttpResponse<String> r;
    try (HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trustAll(keysOf(api, Identity.KUBELET_CLIENT)))
            .build()) {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}

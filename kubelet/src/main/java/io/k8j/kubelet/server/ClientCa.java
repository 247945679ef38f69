package io.k8j.kubelet.server;

import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;

/**
 * The CA the kubelet verifies its callers' client certificates with: the cluster CA its own
 * kubeconfig trusts (upstream's {@code --client-ca-file}, here taken from the API server's
 * connection).
 */
public final class ClientCa {
  private ClientCa() {}

  /** The CA certificates of a client configuration as a trust store, or null when it has none. */
  public static KeyStore of(Config config) {
    try {
      byte[] pem = null;
      if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
        String data = config.getCaCertData().strip();
        pem =
            data.startsWith("-----")
                ? data.getBytes(StandardCharsets.US_ASCII)
                : Base64.getMimeDecoder().decode(data);
      } else if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
        pem = Files.readAllBytes(Path.of(config.getCaCertFile()));
      }
      if (pem == null) {
        return null;
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      try (InputStream in = new ByteArrayInputStream(pem)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
      }
      return i == 0 ? null : ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not read the cluster CA of the kubelet's client", e);
    }
  }
}

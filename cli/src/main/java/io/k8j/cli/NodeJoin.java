package io.k8j.cli;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.apiserver.auth.ClusterPki;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node joins with a bootstrap token, as kubeadm join and the kubelet's TLS bootstrap do: take
 * the server's CA from the TLS handshake without trusting it, check it against the join token's CA
 * hash, then (now trusting it) authenticate with the bootstrap token, ask for a client certificate
 * for {@code system:node:<name>} through a CertificateSigningRequest and wait until the controller
 * manager has approved and signed it. The result is the node's kubeconfig.
 */
final class NodeJoin {
  private static final Logger LOG = LoggerFactory.getLogger(NodeJoin.class);
  static final String KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";

  /** A join that cannot go on, with the one line the user sees. */
  static final class JoinException extends Exception {
    JoinException(String message) {
      super(message, null, false, false);
    }
  }

  private NodeJoin() {}

  /** Joins {@code server} as {@code nodeName}; returns the node's kubeconfig (YAML). */
  static String join(URI server, JoinToken token, String nodeName, Duration timeout)
      throws JoinException, InterruptedException {
    X509Certificate ca = verifiedCa(server, token);
    String caPem = pem(ca);
    KeyPair keys = newKeyPair();
    String user = "system:node:" + nodeName;
    String bootstrap =
        ClusterPki.kubeconfig(
            server.toString(), caPem, "kubelet-bootstrap", null, null, token.token().toString());
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(bootstrap)).build()) {
      var csrs = client.certificates().v1().certificateSigningRequests();
      String name = "node-csr-" + UUID.randomUUID().toString().substring(0, 13);
      CertificateSigningRequest csr =
          new CertificateSigningRequestBuilder()
              .withNewMetadata()
              .withName(name)
              .endMetadata()
              .withNewSpec()
              .withRequest(
                  Base64.getEncoder()
                      .encodeToString(csrPem(keys, user).getBytes(StandardCharsets.US_ASCII)))
              .withSignerName(KUBELET_CLIENT_SIGNER)
              .withUsages("digital signature", "key encipherment", "client auth")
              .endSpec()
              .build();
      try {
        csrs.resource(csr).create();
      } catch (KubernetesClientException e) {
        throw refused(e);
      }
      LOG.info("asked for a client certificate for {} (CertificateSigningRequest {})", user, name);
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        CertificateSigningRequest cur;
        try {
          cur = csrs.withName(name).get();
        } catch (KubernetesClientException e) {
          throw refused(e);
        }
        String issued = issued(cur, name);
        if (issued != null) {
          String certPem =
              new String(Base64.getDecoder().decode(issued), StandardCharsets.US_ASCII);
          LOG.info("got the client certificate for {}", user);
          return ClusterPki.kubeconfig(
              server.toString(), caPem, user, certPem, pem(keys.getPrivate()), null);
        }
        Thread.sleep(500);
      }
      throw new JoinException(
          "the certificate request "
              + name
              + " was not signed within "
              + timeout.toSeconds()
              + " s (is the controller manager running? kubectl certificate approve "
              + name
              + ")");
    }
  }

  /** The certificate once signed; null while pending. */
  private static String issued(CertificateSigningRequest csr, String name) throws JoinException {
    if (csr == null) {
      throw new JoinException("the certificate request " + name + " was deleted");
    }
    if (csr.getStatus() == null) {
      return null;
    }
    List<CertificateSigningRequestCondition> conditions =
        csr.getStatus().getConditions() == null ? List.of() : csr.getStatus().getConditions();
    for (CertificateSigningRequestCondition c : conditions) {
      if (("Denied".equals(c.getType()) || "Failed".equals(c.getType()))
          && !"False".equals(c.getStatus())) {
        throw new JoinException(
            "the certificate request "
                + name
                + " was "
                + c.getType().toLowerCase()
                + (c.getMessage() == null ? "" : ": " + c.getMessage()));
      }
    }
    String cert = csr.getStatus().getCertificate();
    return cert == null || cert.isEmpty() ? null : cert;
  }

  private static JoinException refused(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 401 ->
          new JoinException(
              "the server refused the join token (401 Unauthorized): it is wrong, expired or"
                  + " deleted; make a new one with k8j token create on the server");
      case 403 ->
          new JoinException(
              "the join token may not ask for a node certificate (403 Forbidden): "
                  + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
      default ->
          new JoinException(
              "the server did not take the certificate request: "
                  + (e.getStatus() != null && e.getStatus().getMessage() != null
                      ? e.getStatus().getMessage()
                      : ServerCommand.rootCauseMessage(e)));
    };
  }

  /**
   * The CA the server presents in its TLS handshake, accepted only if it is the one the join token
   * names and it signed the server's certificate.
   */
  static X509Certificate verifiedCa(URI server, JoinToken token) throws JoinException {
    X509Certificate[] chain = presentedChain(server);
    X509Certificate match = null;
    for (X509Certificate c : chain) {
      if (JoinToken.caHash(c).equals(token.caHash())) {
        match = c;
      }
    }
    if (match == null) {
      X509Certificate last = chain[chain.length - 1];
      throw new JoinException(
          "the server's CA (sha256 "
              + JoinToken.caHash(last)
              + ") does not match the join token's CA hash ("
              + token.caHash()
              + "): refusing to join "
              + server);
    }
    try {
      chain[0].verify(match.getPublicKey());
      chain[0].checkValidity();
    } catch (GeneralSecurityException e) {
      throw new JoinException(
          "the server's certificate is not signed by the CA the join token names: refusing to join");
    }
    return match;
  }

  private static X509Certificate[] presentedChain(URI server) throws JoinException {
    if (!"https".equals(server.getScheme()) || server.getHost() == null) {
      throw new JoinException("--server must be an https:// URL, e.g. https://10.0.0.1:6443");
    }
    int port = server.getPort() < 0 ? 443 : server.getPort();
    X509Certificate[][] seen = new X509Certificate[1][];
    TrustManager capture =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen[0] = chain;
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {capture}, null);
      try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
        socket.connect(new java.net.InetSocketAddress(server.getHost(), port), 10_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new JoinException("cannot reach " + server + ": " + ServerCommand.rootCauseMessage(e));
    }
    if (seen[0] == null || seen[0].length == 0) {
      throw new JoinException(server + " presented no certificate");
    }
    return seen[0];
  }

  private static KeyPair newKeyPair() {
    try {
      // RSA: every client library (fabric8 included) reads its PEM
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String csrPem(KeyPair keys, String user) {
    try {
      var subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "system:nodes")
              .addRDN(BCStyle.CN, user)
              .build();
      var req =
          new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
      return pem(req);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}

package io.k8j.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's PKI under {@code <data-dir>/pki} (every file 0600): the CA, the API server's
 * serving certificate, the service-account signing key pair, and a client certificate with its
 * kubeconfig for each component identity (admin, scheduler, controller manager, each kubelet).
 * Everything is reused on restart; a certificate within {@link #RENEW_BEFORE} of its expiry (or a
 * serving certificate missing a wanted name) is issued anew from the same CA.
 */
public final class ClusterPki {
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final List<String> SERVING_NAMES =
      List.of(
          "localhost",
          "127.0.0.1",
          "kubernetes",
          "kubernetes.default",
          "kubernetes.default.svc",
          "kubernetes.default.svc.cluster.local");

  private final Path dir;
  private final X509Certificate ca;
  private final PrivateKey caKey;
  private final X509Certificate serving;
  private final PrivateKey servingKey;
  private final KeyPair serviceAccountKeys;

  private ClusterPki(
      Path dir,
      X509Certificate ca,
      PrivateKey caKey,
      X509Certificate serving,
      PrivateKey servingKey,
      KeyPair serviceAccountKeys) {
    this.dir = dir;
    this.ca = ca;
    this.caKey = caKey;
    this.serving = serving;
    this.servingKey = servingKey;
    this.serviceAccountKeys = serviceAccountKeys;
  }

  /**
   * Loads the PKI from {@code pkiDir}, creating what is missing and renewing what is near expiry.
   * {@code sans} are names and addresses the serving certificate must carry besides localhost,
   * 127.0.0.1 and the {@code kubernetes.default.svc} names (the first service IP, the node's
   * addresses and host name).
   */
  public static ClusterPki loadOrCreate(Path pkiDir, List<String> sans) {
    try {
      Files.createDirectories(pkiDir);
      Path caCrt = pkiDir.resolve("ca.crt");
      Path caKeyFile = pkiDir.resolve("ca.key");
      X509Certificate ca;
      PrivateKey caKey;
      if (Files.exists(caCrt) && Files.exists(caKeyFile)) {
        ca = Pem.readCert(caCrt);
        caKey = Pem.readKey(caKeyFile);
      } else {
        KeyPair keys = Certificates.newEcKeyPair();
        ca = Certificates.selfSignedCa("k8j-ca", keys, CA_VALIDITY);
        caKey = keys.getPrivate();
        Pem.write(caKeyFile, caKey);
        Pem.write(caCrt, ca);
      }
      Set<String> names = new LinkedHashSet<>(SERVING_NAMES);
      for (String s : sans) {
        if (s != null && !s.isBlank()) {
          names.add(s);
        }
      }
      Path crt = pkiDir.resolve("apiserver.crt");
      Path key = pkiDir.resolve("apiserver.key");
      X509Certificate serving = null;
      PrivateKey servingKey = null;
      if (Files.exists(crt) && Files.exists(key)) {
        serving = Pem.readCert(crt);
        servingKey = Pem.readKey(key);
        if (needsRenewal(serving, ca) || !Certificates.names(serving).containsAll(names)) {
          serving = null;
        }
      }
      if (serving == null) {
        KeyPair keys = Certificates.newEcKeyPair();
        serving =
            Certificates.serving(
                "kube-apiserver", keys.getPublic(), ca, caKey, new ArrayList<>(names));
        servingKey = keys.getPrivate();
        Pem.write(key, servingKey);
        Pem.write(crt, serving);
      }
      Path saKey = pkiDir.resolve("sa.key");
      Path saPub = pkiDir.resolve("sa.pub");
      KeyPair sa;
      if (Files.exists(saKey) && Files.exists(saPub)) {
        sa = new KeyPair(Pem.readPublicKey(saPub), Pem.readKey(saKey));
      } else {
        sa = Certificates.newRsaKeyPair();
        Pem.write(saKey, sa.getPrivate());
        Pem.write(saPub, sa.getPublic());
      }
      return new ClusterPki(pkiDir, ca, caKey, serving, servingKey, sa);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load or create the cluster PKI", e);
    }
  }

  private static boolean needsRenewal(X509Certificate cert, X509Certificate ca) {
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return true;
    }
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return true;
    }
    return cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
  }

  public X509Certificate ca() {
    return ca;
  }

  /** The CA certificate as PEM, for {@code certificate-authority-data}. */
  public String caPem() {
    return Pem.encode(ca);
  }

  public X509Certificate servingCertificate() {
    return serving;
  }

  /** The key pair service-account tokens are signed with ({@code sa.key}, {@code sa.pub}). */
  public KeyPair serviceAccountKeys() {
    return serviceAccountKeys;
  }

  public PublicKey serviceAccountPublicKey() {
    return serviceAccountKeys.getPublic();
  }

  /** A key store with the serving key and its chain, for Jetty. */
  public KeyStore keyStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("apiserver", servingKey, new char[0], new X509Certificate[] {serving, ca});
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key store holding the CA alone: the trust anchor client certificates are verified with. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("k8j-ca", ca);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The client certificate and key of {@code identity} ({@code <user>.crt}/{@code .key} in the pki
   * dir), issued on first use and renewed near expiry.
   */
  public ClientCredentials clientCredentials(Identity identity) {
    try {
      Path crt = dir.resolve(identity.fileName() + ".crt");
      Path key = dir.resolve(identity.fileName() + ".key");
      if (Files.exists(crt) && Files.exists(key)) {
        X509Certificate cert = Pem.readCert(crt);
        if (!needsRenewal(cert, ca) && Certificates.identity(cert).equals(identity)) {
          return new ClientCredentials(cert, Pem.readKey(key));
        }
      }
      KeyPair keys = Certificates.newRsaKeyPair();
      X509Certificate cert = Certificates.client(identity, keys.getPublic(), ca, caKey);
      Pem.write(key, keys.getPrivate());
      Pem.write(crt, cert);
      return new ClientCredentials(cert, keys.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not issue a client certificate", e);
    }
  }

  /**
   * A kubeconfig for {@code identity} against {@code serverUrl}: the CA (TLS verification on) and
   * the identity's client certificate and key, embedded.
   */
  public String kubeconfigFor(Identity identity, String serverUrl) {
    return kubeconfigFor(identity, serverUrl, null);
  }

  /**
   * {@link #kubeconfigFor(Identity, String)} with a bearer token as well (the admin's, for clients
   * that read only a token); a null token is left out.
   */
  public String kubeconfigFor(Identity identity, String serverUrl, String token) {
    ClientCredentials c = clientCredentials(identity);
    return kubeconfig(
        serverUrl,
        caPem(),
        identity.user(),
        Pem.encode(c.certificate()),
        Pem.encode(c.key()),
        token);
  }

  /**
   * A kubeconfig for {@code user} against {@code serverUrl} with everything embedded: the CA (PEM),
   * the client certificate and key (PEM) unless they are null, and a bearer token unless it is
   * null.
   */
  public static String kubeconfig(
      String serverUrl, String caPem, String user, String certPem, String keyPem, String token) {
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder credentials = new StringBuilder();
    if (certPem != null && keyPem != null) {
      credentials
          .append("\n    client-certificate-data: ")
          .append(b64.encodeToString(certPem.getBytes(StandardCharsets.US_ASCII)))
          .append("\n    client-key-data: ")
          .append(b64.encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII)));
    }
    if (token != null) {
      credentials.append("\n    token: ").append(token);
    }
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: k8j
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:%s
        contexts:
        - name: k8j
          context:
            cluster: k8j
            user: %s
            namespace: default
        current-context: k8j
        preferences: {}
        """
        .formatted(
            serverUrl,
            b64.encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)),
            user,
            credentials,
            user);
  }

  /** Writes {@link #kubeconfigFor} to {@code file} (mode 0600). */
  public void writeKubeconfig(Identity identity, String serverUrl, Path file) {
    writeKubeconfig(identity, serverUrl, null, file);
  }

  /** Writes {@link #kubeconfigFor(Identity, String, String)} to {@code file} (mode 0600). */
  public void writeKubeconfig(Identity identity, String serverUrl, String token, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Pem.writePrivate(file, kubeconfigFor(identity, serverUrl, token));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The client certificates whose signature was checked, with their identity: every request of
   * every client (a thousand simulated kubelets) presents one, and checking its signature and
   * parsing its subject each time cost more than handling many a request. Validity is still checked
   * at every request.
   */
  private static final int MAX_VERIFIED = 10_000;

  private final Map<X509Certificate, Identity> verified = new ConcurrentHashMap<>();

  /**
   * The identity a verified client certificate chain names, or null if the chain does not lead to
   * the cluster CA or its certificate is not valid now.
   */
  public Identity verify(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return null;
    }
    X509Certificate leaf = chain[0];
    try {
      leaf.checkValidity();
    } catch (GeneralSecurityException e) {
      return null;
    }
    Identity known = verified.get(leaf);
    if (known != null) {
      return known;
    }
    try {
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return null;
    }
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return null;
    }
    Identity identity = Certificates.identity(leaf);
    if (verified.size() >= MAX_VERIFIED) {
      verified.clear();
    }
    verified.put(leaf, identity);
    return identity;
  }

  /** A client certificate and its private key. */
  public record ClientCredentials(X509Certificate certificate, PrivateKey key) {}
}

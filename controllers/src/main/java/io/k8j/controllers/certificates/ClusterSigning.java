package io.k8j.controllers.certificates;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The cluster CA the controller manager signs with and publishes (upstream's {@code
 * --cluster-signing-cert-file}, {@code --cluster-signing-key-file} and {@code --root-ca-file}), and
 * the key it signs legacy service-account tokens with ({@code --service-account-private-key-file},
 * or null).
 */
public record ClusterSigning(
    X509Certificate ca, PrivateKey key, String caPem, PrivateKey serviceAccountKey) {

  public ClusterSigning(X509Certificate ca, PrivateKey key, String caPem) {
    this(ca, key, caPem, null);
  }

  /** This CA with the service-account signing key read from a PEM file. */
  public ClusterSigning withServiceAccountKey(Path keyFile) throws IOException {
    try (Reader k = Files.newBufferedReader(keyFile);
        PEMParser keys = new PEMParser(k)) {
      return new ClusterSigning(ca, key, caPem, privateKey(keys.readObject(), keyFile));
    }
  }

  private static PrivateKey privateKey(Object pem, Path keyFile) throws IOException {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    return switch (pem) {
      case PEMKeyPair kp -> conv.getKeyPair(kp).getPrivate();
      case PrivateKeyInfo info -> conv.getPrivateKey(info);
      case null, default -> throw new IOException(keyFile + " holds no private key");
    };
  }

  /** Reads the CA certificate and key from PEM files. */
  public static ClusterSigning read(Path certFile, Path keyFile) throws IOException {
    String pem = Files.readString(certFile);
    try (Reader r = Files.newBufferedReader(certFile);
        PEMParser certs = new PEMParser(r);
        Reader k = Files.newBufferedReader(keyFile);
        PEMParser keys = new PEMParser(k)) {
      Object c = certs.readObject();
      if (!(c instanceof X509CertificateHolder holder)) {
        throw new IOException(certFile + " holds no certificate");
      }
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      return new ClusterSigning(cert, privateKey(keys.readObject(), keyFile), pem);
    } catch (CertificateException e) {
      throw new IOException("cannot read " + certFile + ": " + e.getMessage(), e);
    }
  }
}

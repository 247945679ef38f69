package io.k8j.apiserver.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed CA and a serving certificate it signs, kept as PEM files under {@code
 * <data-dir>/pki} and reused on restart. The serving certificate names localhost, 127.0.0.1, the
 * first service IP and the {@code kubernetes.default.svc} names.
 */
public final class ServingCertificates {
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final char[] NO_PASSWORD = new char[0];

  private final X509Certificate ca;
  private final X509Certificate serving;
  private final PrivateKey servingKey;

  private ServingCertificates(X509Certificate ca, X509Certificate serving, PrivateKey servingKey) {
    this.ca = ca;
    this.serving = serving;
    this.servingKey = servingKey;
  }

  /** Loads the certificates from {@code pkiDir}, creating them on first start. */
  public static ServingCertificates loadOrCreate(Path pkiDir, List<String> extraSans) {
    try {
      Path caCrt = pkiDir.resolve("ca.crt");
      Path crt = pkiDir.resolve("apiserver.crt");
      Path key = pkiDir.resolve("apiserver.key");
      if (Files.exists(caCrt) && Files.exists(crt) && Files.exists(key)) {
        return new ServingCertificates(readCert(caCrt), readCert(crt), readKey(key));
      }
      Files.createDirectories(pkiDir);
      KeyPair caKeys = newKeyPair();
      X509Certificate ca = sign("k8j-ca", caKeys, caKeys.getPrivate(), null, true, List.of());
      KeyPair servingKeys = newKeyPair();
      List<String> sans =
          new ArrayList<>(
              List.of(
                  "localhost",
                  "127.0.0.1",
                  "kubernetes",
                  "kubernetes.default",
                  "kubernetes.default.svc",
                  "kubernetes.default.svc.cluster.local"));
      sans.addAll(extraSans);
      X509Certificate serving =
          sign("kube-apiserver", servingKeys, caKeys.getPrivate(), ca, false, sans);
      writePem(pkiDir.resolve("ca.key"), caKeys.getPrivate());
      writePem(caCrt, ca);
      writePem(key, servingKeys.getPrivate());
      writePem(crt, serving);
      return new ServingCertificates(ca, serving, servingKeys.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not create the serving certificates", e);
    }
  }

  /** The CA certificate as PEM, for {@code certificate-authority-data}. */
  public String caPem() {
    return pem(ca);
  }

  /** A key store with the serving key and its chain, for Jetty. */
  public KeyStore keyStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("apiserver", servingKey, NO_PASSWORD, new X509Certificate[] {serving, ca});
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static char[] keyPassword() {
    return NO_PASSWORD.clone();
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X509Certificate sign(
      String cn,
      KeyPair keys,
      PrivateKey signer,
      X509Certificate issuer,
      boolean isCa,
      List<String> sans)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + cn);
    X500Name issuerName =
        issuer == null ? subject : new X500Name(issuer.getSubjectX500Principal().getName());
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    } else {
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      List<GeneralName> names = new ArrayList<>();
      for (String s : sans) {
        boolean ip = s.matches("[0-9.]+") || s.contains(":");
        names.add(
            ip
                ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(s).getHostAddress())
                : new GeneralName(GeneralName.dNSName, s));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    X509CertificateHolder holder =
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static String pem(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      // keys as PKCS#8 ("PRIVATE KEY"): the SEC1 form the writer picks for the JDK's EC keys
      // loses the curve, and the key could not be read back on restart
      w.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : o);
    } catch (IOException e) { // PemGenerationException included
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  private static void writePem(Path file, Object o) throws IOException {
    Files.writeString(file, pem(o), StandardCharsets.US_ASCII);
    if (o instanceof PrivateKey) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps its default permissions
      }
    }
  }

  private static X509Certificate readCert(Path file) throws IOException, GeneralSecurityException {
    try (Reader r = Files.newBufferedReader(file);
        PEMParser p = new PEMParser(r)) {
      return new JcaX509CertificateConverter()
          .getCertificate((X509CertificateHolder) p.readObject());
    }
  }

  private static PrivateKey readKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      return conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
    }
  }
}

package io.k8j.kubelet.server;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed serving certificate for the kubelet API, made at start (as upstream's kubelet does
 * when it has no certificate): names the node, its address and localhost.
 */
final class SelfSignedCertificate {
  static final char[] PASSWORD = "k8j".toCharArray();

  private SelfSignedCertificate() {}

  static KeyStore create(String nodeName, String nodeIp) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=" + nodeName + "@" + Instant.now().getEpochSecond());
      Instant now = Instant.now();
      List<GeneralName> sans = new ArrayList<>();
      sans.add(new GeneralName(GeneralName.dNSName, nodeName));
      sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
      sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      if (nodeIp != null && !nodeIp.equals("127.0.0.1")) {
        sans.add(new GeneralName(GeneralName.iPAddress, nodeIp));
      }
      var b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(63, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(365))),
              name,
              kp.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("kubelet", kp.getPrivate(), PASSWORD, new X509Certificate[] {cert});
      return ks;
    } catch (Exception e) {
      throw new IllegalStateException("could not make the kubelet's serving certificate", e);
    }
  }
}

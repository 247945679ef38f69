package io.k8j.controllers.certificates;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Issues a certificate for a PKCS#10 request from the cluster CA, as upstream's local signer: the
 * request's subject and key, the usages the CertificateSigningRequest asked for, the subject
 * alternative names of the request, valid for the requested duration capped by the cluster's
 * signing duration (and never past the CA's own expiry).
 */
public final class CertificateSigner {
  /** Upstream's default {@code --cluster-signing-duration}: one year. */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  private final ClusterSigning ca;
  private final SecureRandom random = new SecureRandom();

  public CertificateSigner(ClusterSigning ca) {
    this.ca = ca;
  }

  /** The signed certificate, PEM-encoded. */
  public String sign(
      PKCS10CertificationRequest req, List<String> usages, Long expirationSeconds, Instant now)
      throws GeneralSecurityException {
    Duration life = MAX_DURATION;
    if (expirationSeconds != null && expirationSeconds > 0) {
      life = Duration.ofSeconds(Math.min(expirationSeconds, MAX_DURATION.toSeconds()));
    }
    Instant notAfter = now.plus(life);
    Instant caEnd = ca.ca().getNotAfter().toInstant();
    if (notAfter.isAfter(caEnd)) {
      notAfter = caEnd;
    }
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(
            X500Name.getInstance(ca.ca().getSubjectX500Principal().getEncoded()),
            new BigInteger(127, random),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(notAfter),
            req.getSubject(),
            req.getSubjectPublicKeyInfo());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int keyUsage = 0;
      List<KeyPurposeId> purposes = new ArrayList<>();
      for (String u : usages) {
        switch (u) {
          case "digital signature" -> keyUsage |= KeyUsage.digitalSignature;
          case "key encipherment" -> keyUsage |= KeyUsage.keyEncipherment;
          case "client auth" -> purposes.add(KeyPurposeId.id_kp_clientAuth);
          case "server auth" -> purposes.add(KeyPurposeId.id_kp_serverAuth);
          default -> {}
        }
      }
      if (keyUsage != 0) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      if (!purposes.isEmpty()) {
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
      }
      GeneralNames sans = requestedNames(req);
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      String alg = ca.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(ca.key())));
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(cert);
      }
      return out.toString();
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("could not sign the request: " + e.getMessage(), e);
    }
  }

  private static GeneralNames requestedNames(PKCS10CertificationRequest req) {
    for (Attribute a : req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      if (a.getAttrValues().size() > 0) {
        Extensions exts = Extensions.getInstance(a.getAttrValues().getObjectAt(0));
        GeneralNames names = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
        if (names != null) {
          return names;
        }
      }
    }
    return null;
  }
}

package io.k8j.apiserver.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Issues the cluster's certificates (BouncyCastle) and reads the identity out of one. */
final class Certificates {
  private Certificates() {}

  static KeyPair newEcKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  /** RSA for client keys and the service-account key: every client library reads those. */
  static KeyPair newRsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    return g.generateKeyPair();
  }

  static X509Certificate selfSignedCa(String cn, KeyPair keys, Duration validity)
      throws GeneralSecurityException {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    JcaX509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), validity);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return build(b, keys.getPrivate());
  }

  static X509Certificate serving(
      String cn, PublicKey key, X509Certificate ca, PrivateKey caKey, List<String> sans)
      throws GeneralSecurityException {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    JcaX509v3CertificateBuilder b = builder(issuer(ca), subject, key, ClusterPki.LEAF_VALIDITY);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
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
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return build(b, caKey);
  }

  static X509Certificate client(
      Identity identity, PublicKey key, X509Certificate ca, PrivateKey caKey)
      throws GeneralSecurityException {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : identity.groups()) {
      name.addRDN(BCStyle.O, group);
    }
    name.addRDN(BCStyle.CN, identity.user());
    JcaX509v3CertificateBuilder b =
        builder(issuer(ca), name.build(), key, ClusterPki.LEAF_VALIDITY);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return build(b, caKey);
  }

  /** CN as the user, each O as a group, as upstream's x509 authenticator reads a subject. */
  static Identity identity(X509Certificate cert) {
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    String user = "";
    List<String> groups = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      user = value(rdn.getFirst().getValue());
    }
    for (RDN rdn : subject.getRDNs(BCStyle.O)) {
      groups.add(value(rdn.getFirst().getValue()));
    }
    return new Identity(user, groups);
  }

  /** The DNS names and IP addresses a certificate is issued for. */
  static List<String> names(X509Certificate cert) throws GeneralSecurityException {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    List<String> out = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        out.add(String.valueOf(san.get(1)));
      }
    }
    return out;
  }

  private static String value(ASN1Encodable v) {
    return IETFUtils.valueToString(v).replace("\\", "");
  }

  private static X500Name issuer(X509Certificate ca) {
    return X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X509Certificate build(JcaX509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException {
    String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(alg).build(signer));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}

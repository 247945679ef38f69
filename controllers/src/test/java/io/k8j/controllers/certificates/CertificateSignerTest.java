package io.k8j.controllers.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CertificateSignerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void signsAKubeletClientRequestWithTheClusterCa() throws Exception {
    KeyPair caKeys = keys();
    X509Certificate ca = ca(caKeys);
    CertificateSigningRequest csr =
        csr(
            "O=system:nodes,CN=system:node:worker-1",
            List.of("digital signature", "key encipherment", "client auth"));
    assertThat(KubeletClientRequest.isKubeletClient(csr)).isTrue();

    String pem =
        new CertificateSigner(new ClusterSigning(ca, caKeys.getPrivate(), ""))
            .sign(KubeletClientRequest.pkcs10(csr), csr.getSpec().getUsages(), 3600L, NOW);
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    cert.verify(ca.getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=system:node:worker-1,O=system:nodes");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(Duration.between(NOW, cert.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void onlyKubeletSubjectsAndUsagesAreKubeletClientRequests() throws Exception {
    assertThat(
            KubeletClientRequest.isKubeletClient(
                csr("O=system:masters,CN=system:node:worker-1", List.of("client auth"))))
        .isFalse();
    assertThat(
            KubeletClientRequest.isKubeletClient(
                csr("O=system:nodes,CN=admin", List.of("client auth"))))
        .isFalse();
    assertThat(
            KubeletClientRequest.isKubeletClient(
                csr("O=system:nodes,CN=system:node:w", List.of("client auth", "server auth"))))
        .isFalse();
  }

  private static CertificateSigningRequest csr(String subject, List<String> usages)
      throws Exception {
    KeyPair k = keys();
    PKCS10CertificationRequest req =
        new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), k.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(k.getPrivate()));
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(req);
    }
    return new CertificateSigningRequestBuilder()
        .withNewMetadata()
        .withName("node-csr-1")
        .endMetadata()
        .withNewSpec()
        .withSignerName(CsrConditions.KUBELET_CLIENT_SIGNER)
        .withUsages(usages)
        .withRequest(
            Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.US_ASCII)))
        .endSpec()
        .build();
  }

  private static X509Certificate ca(KeyPair k) throws Exception {
    X500Name name = new X500Name("CN=test-ca");
    var b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(NOW.minus(Duration.ofDays(1))),
            Date.from(NOW.plus(Duration.ofDays(3650))),
            name,
            k.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(k.getPrivate())));
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}

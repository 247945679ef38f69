package io.k8j.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The PKCS#10 request inside a CertificateSigningRequest, and upstream's test of whether it is a
 * kubelet client certificate request: subject {@code O=system:nodes, CN=system:node:<name>}, usages
 * {@code client auth} with {@code digital signature} and/or {@code key encipherment}, and nothing
 * more.
 */
record KubeletClientRequest(String commonName, List<String> organizations) {
  private static final Set<String> ALLOWED_USAGES =
      Set.of("client auth", "digital signature", "key encipherment");

  /** The request's PKCS#10, or null when {@code spec.request} holds none. */
  static PKCS10CertificationRequest pkcs10(CertificateSigningRequest csr) {
    String b64 = csr.getSpec() == null ? null : csr.getSpec().getRequest();
    if (b64 == null) {
      return null;
    }
    try (PEMParser p =
        new PEMParser(
            new StringReader(
                new String(Base64.getDecoder().decode(b64), StandardCharsets.US_ASCII)))) {
      return p.readObject() instanceof PKCS10CertificationRequest r ? r : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  static KubeletClientRequest subject(PKCS10CertificationRequest req) {
    X500Name name = req.getSubject();
    String cn = "";
    for (RDN rdn : name.getRDNs(BCStyle.CN)) {
      cn = value(rdn.getFirst().getValue());
    }
    List<String> orgs = new ArrayList<>();
    for (RDN rdn : name.getRDNs(BCStyle.O)) {
      orgs.add(value(rdn.getFirst().getValue()));
    }
    return new KubeletClientRequest(cn, orgs);
  }

  /** Whether {@code csr} asks for a kubelet client certificate and nothing else. */
  static boolean isKubeletClient(CertificateSigningRequest csr) {
    PKCS10CertificationRequest req = pkcs10(csr);
    if (req == null || !CsrConditions.KUBELET_CLIENT_SIGNER.equals(csr.getSpec().getSignerName())) {
      return false;
    }
    KubeletClientRequest s = subject(req);
    List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
    return s.organizations().equals(List.of("system:nodes"))
        && s.commonName().startsWith("system:node:")
        && s.commonName().length() > "system:node:".length()
        && usages.contains("client auth")
        && ALLOWED_USAGES.containsAll(usages);
  }

  private static String value(ASN1Encodable v) {
    return IETFUtils.valueToString(v).replace("\\", "");
  }
}

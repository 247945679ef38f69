package io.k8j.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's csrsigning controller with the cluster CA: an Approved request (not Denied, not
 * Failed, not yet issued) for one of the {@code kubernetes.io} signers it serves gets its
 * certificate in {@code status.certificate}. A kubelet client request whose subject or usages are
 * not a kubelet's is marked Failed ({@code SignerValidationFailure}) instead.
 */
public final class CsrSigningController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CsrSigningController.class);
  static final Set<String> SIGNERS =
      Set.of(
          CsrConditions.KUBELET_CLIENT_SIGNER,
          CsrConditions.CLIENT_SIGNER,
          CsrConditions.KUBELET_SERVING_SIGNER);

  private final Lister<CertificateSigningRequest> csrs;
  private final ObjectWriter writer;
  private final CertificateSigner signer;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public CsrSigningController(
      InformerFactory informers, ObjectWriter writer, CertificateSigner signer, Clock clock) {
    Informer<CertificateSigningRequest> informer =
        informers.forType(CertificateSigningRequest.class);
    this.csrs = informer.lister();
    this.writer = writer;
    this.signer = signer;
    this.clock = clock;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("csrsigning", queue, this::sync, List.<Informer<?>>of(informer));
    informer.addEventHandler(CsrConditions.enqueueing(queue));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  void sync(String name) throws GeneralSecurityException {
    CertificateSigningRequest csr = csrs.get(null, name);
    if (csr == null
        || !SIGNERS.contains(csr.getSpec().getSignerName())
        || !CsrConditions.has(csr, "Approved")
        || CsrConditions.has(csr, "Denied")
        || CsrConditions.has(csr, "Failed")
        || csr.getStatus() != null
            && csr.getStatus().getCertificate() != null
            && !csr.getStatus().getCertificate().isEmpty()) {
      return;
    }
    CertificateSigningRequest copy = DeepCopy.of(csr);
    PKCS10CertificationRequest req = KubeletClientRequest.pkcs10(csr);
    boolean kubeletClient =
        CsrConditions.KUBELET_CLIENT_SIGNER.equals(csr.getSpec().getSignerName());
    if (req == null || kubeletClient && !KubeletClientRequest.isKubeletClient(csr)) {
      CsrConditions.add(
          copy,
          "Failed",
          "SignerValidationFailure",
          "invalid request for signer " + csr.getSpec().getSignerName());
      writer.updateStatus(copy);
      LOG.info(
          "refused to sign {}: not a valid request for {}", name, csr.getSpec().getSignerName());
      return;
    }
    List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
    Integer exp = csr.getSpec().getExpirationSeconds();
    String pem = signer.sign(req, usages, exp == null ? null : exp.longValue(), clock.now());
    copy.getStatus()
        .setCertificate(
            Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    writer.updateStatus(copy);
    LOG.info("signed {} for {}", name, req.getSubject());
  }
}

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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's csrapproving controller: approves kubelet client certificate requests ({@code
 * kubernetes.io/kube-apiserver-client-kubelet}, subject {@code system:node:<name>} in {@code
 * system:nodes}) made by a bootstrap token ({@code system:bootstrappers}: a node joining) or by the
 * node itself (a renewal). Upstream asks a SubjectAccessReview for {@code
 * certificatesigningrequests/nodeclient} and {@code selfnodeclient}; the default bindings grant
 * exactly those two groups, which this controller checks directly. Anything else is left for a
 * person ({@code kubectl certificate approve}).
 */
public final class CsrApprovingController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CsrApprovingController.class);

  private final Lister<CertificateSigningRequest> csrs;
  private final ObjectWriter writer;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public CsrApprovingController(InformerFactory informers, ObjectWriter writer, Clock clock) {
    Informer<CertificateSigningRequest> informer =
        informers.forType(CertificateSigningRequest.class);
    this.csrs = informer.lister();
    this.writer = writer;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("csrapproving", queue, this::sync, List.<Informer<?>>of(informer));
    informer.addEventHandler(CsrConditions.enqueueing(queue));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  void sync(String name) {
    CertificateSigningRequest csr = csrs.get(null, name);
    if (csr == null
        || CsrConditions.has(csr, "Approved")
        || CsrConditions.has(csr, "Denied")
        || !KubeletClientRequest.isKubeletClient(csr)) {
      return;
    }
    String cn = KubeletClientRequest.subject(KubeletClientRequest.pkcs10(csr)).commonName();
    String requestor = csr.getSpec().getUsername();
    List<String> groups = csr.getSpec().getGroups() == null ? List.of() : csr.getSpec().getGroups();
    String reason;
    if (cn.equals(requestor) && groups.contains("system:nodes")) {
      reason = "renewal by the node itself";
    } else if (groups.contains("system:bootstrappers")) {
      reason = "bootstrap token";
    } else {
      return;
    }
    CertificateSigningRequest copy = DeepCopy.of(csr);
    CsrConditions.add(
        copy,
        "Approved",
        "AutoApproved",
        "Auto approving kubelet client certificate after SubjectAccessReview.");
    writer.updateSubresource(copy, "approval");
    LOG.info("approved {} for {} (requested by {}: {})", name, cn, requestor, reason);
  }
}

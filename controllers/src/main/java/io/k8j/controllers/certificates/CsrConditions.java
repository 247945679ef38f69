package io.k8j.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.EventHandlers;
import io.k8j.client.queue.WorkQueue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Reads and adds the conditions of a CertificateSigningRequest. */
final class CsrConditions {
  static final String KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
  static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";
  static final String KUBELET_SERVING_SIGNER = "kubernetes.io/kubelet-serving";

  private CsrConditions() {}

  /** A handler that queues the name of every request added or changed. */
  static ResourceEventHandler<CertificateSigningRequest> enqueueing(WorkQueue<String> queue) {
    return EventHandlers.onAddOrUpdate(csr -> queue.add(csr.getMetadata().getName()));
  }

  static boolean has(CertificateSigningRequest csr, String type) {
    CertificateSigningRequestStatus s = csr.getStatus();
    if (s == null || s.getConditions() == null) {
      return false;
    }
    return s.getConditions().stream()
        .anyMatch(c -> type.equals(c.getType()) && !"False".equals(c.getStatus()));
  }

  /** Adds a condition (status True) to the request, which must be a copy. */
  static void add(CertificateSigningRequest csr, String type, String reason, String message) {
    if (csr.getStatus() == null) {
      csr.setStatus(new CertificateSigningRequestStatus());
    }
    List<CertificateSigningRequestCondition> all =
        csr.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(csr.getStatus().getConditions());
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    all.add(
        new CertificateSigningRequestConditionBuilder()
            .withType(type)
            .withStatus("True")
            .withReason(reason)
            .withMessage(message)
            .withLastUpdateTime(now)
            .withLastTransitionTime(now)
            .build());
    csr.getStatus().setConditions(all);
  }
}

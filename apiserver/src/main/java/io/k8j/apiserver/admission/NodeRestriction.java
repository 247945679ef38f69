package io.k8j.apiserver.admission;

import io.k8j.apiserver.auth.NodeAuthorizer;
import io.k8j.apiserver.http.ApiException;

/**
 * Upstream's NodeRestriction: a kubelet changes only its own Node and Lease, creates only mirror
 * pods bound to itself, and deletes or updates the status of only the pods bound to it.
 */
public final class NodeRestriction implements AdmissionPlugin {
  static final String MIRROR = "kubernetes.io/config.mirror";

  @Override
  public String name() {
    return "NodeRestriction";
  }

  @Override
  public void validate(AdmissionRequest r) {
    String node = NodeAuthorizer.nodeName(r.user());
    if (node == null) {
      return;
    }
    if (r.is("", "pods")) {
      pod(r, node);
    } else if (r.is("", "nodes") && !r.name().equals(node)) {
      deny(r, "node \"%s\" is not allowed to modify node \"%s\"".formatted(node, r.name()));
    } else if (r.is("coordination.k8s.io", "leases")) {
      if (!r.namespace().equals("kube-node-lease")) {
        deny(r, "can only access leases in the \"kube-node-lease\" system namespace");
      }
      if (!r.name().equals(node)) {
        deny(r, "can only access node lease with the same name as the requesting node");
      }
    }
  }

  private static void pod(AdmissionRequest r, String node) {
    String boundTo = r.object().path("spec").path("nodeName").asText("");
    if (r.oldObject() != null) {
      boundTo = r.oldObject().path("spec").path("nodeName").asText("");
    }
    switch (r.subresource()) {
      case "" -> {
        switch (r.operation()) {
          case CREATE -> {
            if (!r.object().path("metadata").path("annotations").has(MIRROR)) {
              deny(
                  r,
                  "pod does not have \"%s\" annotation, node \"%s\" can only create mirror pods"
                      .formatted(MIRROR, node));
            }
            if (!boundTo.equals(node)) {
              deny(
                  r,
                  "node \"%s\" can only create pods with spec.nodeName set to itself"
                      .formatted(node));
            }
          }
          case DELETE -> {
            if (!boundTo.equals(node)) {
              deny(
                  r,
                  "node \"%s\" can only delete pods with spec.nodeName set to itself"
                      .formatted(node));
            }
          }
          default ->
              deny(
                  r,
                  "unexpected operation \"%s\", node \"%s\" can only create and delete mirror pods"
                      .formatted(r.operation(), node));
        }
      }
      case "status" -> {
        if (!boundTo.equals(node)) {
          deny(
              r,
              "node \"%s\" can only update pod status for pods with spec.nodeName set to itself"
                  .formatted(node));
        }
      }
      default -> {
        if (!boundTo.equals(node)) {
          deny(
              r,
              "node \"%s\" can only %s pods with spec.nodeName set to itself"
                  .formatted(node, r.subresource()));
        }
      }
    }
  }

  private static void deny(AdmissionRequest r, String why) {
    throw ApiException.forbidden(r.def().groupResource(), r.name(), why, null);
  }
}

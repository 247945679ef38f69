package io.k8j.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.auth.rbac.PolicyRule;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Upstream's Node authorizer, for kubelets ({@code system:node:<name>} in {@code system:nodes}): a
 * node reads only the secrets, config maps, claims and volumes of the pods bound to it, requests
 * tokens only for their service accounts, and touches only its own Lease; everything else it may do
 * is the node rules ({@link #NODE_RULES}, upstream's {@code NodeRules}), whose writes the
 * NodeRestriction admission plugin narrows to its own Node and pods. Other users: no opinion.
 */
public final class NodeAuthorizer implements Authorizer {
  public static final String NODES_GROUP = "system:nodes";
  public static final String NODE_USER_PREFIX = "system:node:";
  static final String NODE_LEASE_NAMESPACE = "kube-node-lease";

  /** What every kubelet may do, as upstream's bootstrap policy NodeRules. */
  public static final List<PolicyRule> NODE_RULES =
      List.of(
          rule(List.of("create"), "authentication.k8s.io", "tokenreviews"),
          rule(
              List.of("create"),
              "authorization.k8s.io",
              "subjectaccessreviews",
              "localsubjectaccessreviews"),
          rule(List.of("get", "list", "watch"), "", "services"),
          rule(List.of("create", "get", "list", "watch"), "", "nodes"),
          rule(List.of("update", "patch"), "", "nodes/status"),
          rule(List.of("update", "patch"), "", "nodes"),
          rule(List.of("create", "update", "patch"), "", "events"),
          rule(List.of("create", "update", "patch"), "events.k8s.io", "events"),
          rule(List.of("get", "list", "watch"), "", "pods"),
          rule(List.of("create", "delete"), "", "pods"),
          rule(List.of("update", "patch"), "", "pods/status"),
          rule(List.of("create"), "", "pods/eviction"),
          rule(List.of("get", "list", "watch"), "", "secrets", "configmaps"),
          rule(List.of("get"), "", "persistentvolumeclaims", "persistentvolumes"),
          rule(List.of("get"), "", "endpoints"),
          rule(
              List.of("create", "get", "list", "watch"),
              "certificates.k8s.io",
              "certificatesigningrequests"),
          rule(
              List.of("get", "create", "update", "patch", "delete"),
              "coordination.k8s.io",
              "leases"),
          rule(List.of("get"), "storage.k8s.io", "volumeattachments"),
          rule(List.of("create"), "", "serviceaccounts/token"),
          rule(List.of("update", "patch"), "", "persistentvolumeclaims/status"),
          rule(List.of("get", "list", "watch"), "node.k8s.io", "runtimeclasses"));

  private final Function<String, List<ObjectNode>> podsInNamespace;
  private final BiFunction<String, String, JsonNode> claims;

  /**
   * @param podsInNamespace the pods of a namespace ("" for all), as the watch cache holds them
   * @param claims a PersistentVolumeClaim by namespace and name, or null
   */
  public NodeAuthorizer(
      Function<String, List<ObjectNode>> podsInNamespace,
      BiFunction<String, String, JsonNode> claims) {
    this.podsInNamespace = podsInNamespace;
    this.claims = claims;
  }

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return new PolicyRule(verbs, List.of(group), List.of(resources), List.of(), List.of());
  }

  /** The node a user is the kubelet of, or null. */
  public static String nodeName(UserInfo user) {
    if (!user.groups().contains(NODES_GROUP) || !user.name().startsWith(NODE_USER_PREFIX)) {
      return null;
    }
    String name = user.name().substring(NODE_USER_PREFIX.length());
    return name.isEmpty() ? null : name;
  }

  @Override
  public boolean allows(Attributes a) {
    return decide(a) == null;
  }

  @Override
  public String denyReason(Attributes a) {
    String reason = decide(a);
    return reason == null ? "" : reason;
  }

  /** null when allowed, else why not ("" when this authorizer has no opinion). */
  private String decide(Attributes a) {
    String node = nodeName(a.user());
    if (node == null) {
      return "";
    }
    if (a.resourceRequest() && a.apiGroup().isEmpty()) {
      switch (a.resource()) {
        case "secrets", "configmaps" -> {
          return readNamespaced(node, a, a.resource());
        }
        case "persistentvolumeclaims" -> {
          if (a.subresource().equals("status")) {
            return related(node, a.namespace(), a.name(), "persistentvolumeclaims")
                ? null
                : noRelationship(node);
          }
          return get(node, a, "persistentvolumeclaims");
        }
        case "persistentvolumes" -> {
          return get(node, a, "persistentvolumes");
        }
        case "serviceaccounts" -> {
          if (!a.subresource().equals("token") || !a.verb().equals("create")) {
            return "can only create tokens for individual service accounts";
          }
          return related(node, a.namespace(), a.name(), "serviceaccounts")
              ? null
              : noRelationship(node);
        }
        default -> {}
      }
    }
    if (a.resourceRequest()
        && a.apiGroup().equals("coordination.k8s.io")
        && a.resource().equals("leases")) {
      return lease(node, a);
    }
    for (PolicyRule r : NODE_RULES) {
      if (r.allows(a)) {
        return null;
      }
    }
    return "";
  }

  private String readNamespaced(String node, Attributes a, String kind) {
    if (!List.of("get", "list", "watch").contains(a.verb())) {
      return "can only read resources of this type";
    }
    if (a.name().isEmpty()) {
      return "can only read namespaced object of this type";
    }
    return related(node, a.namespace(), a.name(), kind) ? null : noRelationship(node);
  }

  private String get(String node, Attributes a, String kind) {
    if (!a.verb().equals("get")) {
      return "can only get individual resources of this type";
    }
    if (!a.subresource().isEmpty()) {
      return "cannot get subresource " + a.subresource();
    }
    return related(node, a.namespace(), a.name(), kind) ? null : noRelationship(node);
  }

  private static String lease(String node, Attributes a) {
    if (!List.of("get", "create", "update", "patch", "delete").contains(a.verb())) {
      return "can only get, create, update, patch, or delete a node lease";
    }
    if (!a.namespace().equals(NODE_LEASE_NAMESPACE)) {
      return "can only access leases in the \"" + NODE_LEASE_NAMESPACE + "\" system namespace";
    }
    if (!a.verb().equals("create") && !a.name().equals(node)) {
      return "can only access node lease with the same name as the requesting node";
    }
    return null;
  }

  private static String noRelationship(String node) {
    return "no relationship found between node '" + node + "' and this object";
  }

  /** Whether a pod bound to {@code node} uses the object. */
  private boolean related(String node, String namespace, String name, String kind) {
    for (ObjectNode pod :
        podsInNamespace.apply(kind.equals("persistentvolumes") ? "" : namespace)) {
      if (!node.equals(pod.path("spec").path("nodeName").asText())) {
        continue;
      }
      if (kind.equals("persistentvolumes")) {
        for (String claim : PodReferences.claims(pod)) {
          JsonNode pvc = claims.apply(pod.path("metadata").path("namespace").asText(), claim);
          if (pvc != null && name.equals(pvc.path("spec").path("volumeName").asText())) {
            return true;
          }
        }
      } else if (PodReferences.of(pod, kind).contains(name)) {
        return true;
      }
    }
    return false;
  }
}

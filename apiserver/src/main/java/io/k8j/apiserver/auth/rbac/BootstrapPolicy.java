package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.NodeAuthorizer;
import io.k8j.apiserver.registry.ResourceStore;
import java.util.List;

/**
 * The default ClusterRoles and ClusterRoleBindings, created or reconciled at start as upstream's
 * bootstrap policy: cluster-admin (bound to {@code system:masters}), admin, edit, view,
 * system:discovery, system:basic-user, system:public-info-viewer, and the components' roles
 * (system:kube-scheduler, system:kube-controller-manager and the controllers' roles, system:node,
 * system:kubelet-api-admin for the API server's calls to the kubelets).
 */
public final class BootstrapPolicy {
  private static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";
  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> WRITE =
      List.of("create", "delete", "deletecollection", "patch", "update");
  private static final List<String> ALL = List.of("*");
  private static final List<String> WORKLOADS =
      List.of(
          "pods",
          "pods/log",
          "pods/status",
          "pods/exec",
          "pods/attach",
          "pods/portforward",
          "services",
          "services/proxy",
          "endpoints",
          "configmaps",
          "persistentvolumeclaims",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "events",
          "limitranges",
          "resourcequotas");

  /**
   * What view may not read though edit may (upstream's "escalating resources"): with {@code get} on
   * pods/exec kubectl 1.32 execs over WebSocket, see {@code PodStreamProxy}.
   */
  private static final List<String> ESCALATING =
      List.of("pods/exec", "pods/attach", "pods/portforward", "services/proxy");

  private static final List<String> APPS =
      List.of(
          "deployments",
          "deployments/scale",
          "replicasets",
          "replicasets/scale",
          "statefulsets",
          "statefulsets/scale",
          "daemonsets",
          "controllerrevisions");
  private static final List<String> PUBLIC_PATHS =
      List.of("/healthz", "/livez", "/readyz", "/version", "/version/");

  private BootstrapPolicy() {}

  /**
   * Creates each default role and binding that does not exist yet, and reconciles existing ones
   * with it as upstream does at every start ({@link PolicyReconciler}): missing rules and subjects
   * are added unless the object is annotated {@code rbac.authorization.kubernetes.io/autoupdate:
   * "false"}.
   */
  public static void ensure(ResourceStore clusterRoles, ResourceStore clusterRoleBindings) {
    role(clusterRoles, "cluster-admin", resources(ALL, List.of("*"), ALL), nonResource(ALL, "*"));
    role(
        clusterRoles,
        "system:discovery",
        nonResource(
            List.of("get"),
            "/api",
            "/api/*",
            "/apis",
            "/apis/*",
            "/healthz",
            "/livez",
            "/readyz",
            "/version",
            "/version/",
            "/openapi",
            "/openapi/*"));
    role(
        clusterRoles,
        "system:public-info-viewer",
        nonResource(List.of("get"), PUBLIC_PATHS.toArray(String[]::new)));
    role(
        clusterRoles,
        "system:basic-user",
        resources(
            List.of("create"), List.of("authentication.k8s.io"), List.of("selfsubjectreviews")),
        resources(
            List.of("create"),
            List.of("authorization.k8s.io"),
            List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")));
    ObjectNode[] view = {
      resources(
          READ, List.of(""), WORKLOADS.stream().filter(r -> !ESCALATING.contains(r)).toList()),
      resources(READ, List.of(""), List.of("namespaces", "namespaces/status", "pods/status")),
      resources(READ, List.of("apps"), APPS),
      resources(READ, List.of("batch"), List.of("jobs", "cronjobs", "jobs/status")),
      resources(READ, List.of("autoscaling"), List.of("horizontalpodautoscalers")),
      resources(READ, List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies")),
      resources(READ, List.of("policy"), List.of("poddisruptionbudgets")),
      resources(READ, List.of("discovery.k8s.io"), List.of("endpointslices"))
    };
    aggregatedRole(clusterRoles, "view", "edit", view);
    ObjectNode[] edit = {
      resources(concat(READ, WRITE), List.of(""), concat(WORKLOADS, List.of("secrets"))),
      resources(concat(READ, WRITE), List.of("apps"), APPS),
      resources(concat(READ, WRITE), List.of("batch"), List.of("jobs", "cronjobs")),
      resources(concat(READ, WRITE), List.of("autoscaling"), List.of("horizontalpodautoscalers")),
      resources(
          concat(READ, WRITE),
          List.of("networking.k8s.io"),
          List.of("ingresses", "networkpolicies")),
      resources(concat(READ, WRITE), List.of("policy"), List.of("poddisruptionbudgets")),
      resources(concat(READ, WRITE), List.of("discovery.k8s.io"), List.of("endpointslices")),
      resources(concat(READ, WRITE), List.of("coordination.k8s.io"), List.of("leases")),
      resources(READ, List.of(""), List.of("namespaces", "namespaces/status"))
    };
    aggregatedRole(clusterRoles, "edit", "admin", edit);
    ObjectNode[] admin = new ObjectNode[edit.length + 1];
    System.arraycopy(edit, 0, admin, 0, edit.length);
    admin[edit.length] =
        resources(
            concat(READ, WRITE),
            List.of("rbac.authorization.k8s.io"),
            List.of("roles", "rolebindings"));
    aggregatedRole(clusterRoles, "admin", null, admin);
    role(
        clusterRoles,
        "system:kube-scheduler",
        resources(READ, ALL, List.of("*")),
        resources(List.of("create"), List.of(""), List.of("bindings", "pods/binding")),
        resources(List.of("patch", "update"), List.of(""), List.of("pods/status")),
        resources(List.of("delete"), List.of(""), List.of("pods")),
        resources(
            List.of("create", "patch", "update"), List.of("", "events.k8s.io"), List.of("events")),
        resources(ALL, List.of("coordination.k8s.io"), List.of("leases")));
    role(clusterRoles, "system:kube-controller-manager", ControllerRoles.controllerManager());
    role(clusterRoles, "system:node", nodeRules());
    role(
        clusterRoles,
        "system:node-proxier",
        resources(List.of("list", "watch"), List.of(""), List.of("services", "endpoints")),
        resources(READ, List.of(""), List.of("nodes")),
        resources(List.of("list", "watch"), List.of("discovery.k8s.io"), List.of("endpointslices")),
        resources(
            List.of("create", "patch", "update"), List.of("", "events.k8s.io"), List.of("events")));
    role(
        clusterRoles,
        "system:kubelet-api-admin",
        resources(READ, List.of(""), List.of("nodes")),
        resources(List.of("proxy"), List.of(""), List.of("nodes")),
        resources(
            ALL,
            List.of(""),
            List.of("nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log")));
    role(
        clusterRoles,
        "system:kube-dns",
        resources(
            List.of("list", "watch"),
            List.of(""),
            List.of("endpoints", "services", "pods", "namespaces")),
        resources(
            List.of("list", "watch"), List.of("discovery.k8s.io"), List.of("endpointslices")));
    ControllerRoles.controllers()
        .forEach((name, rules) -> role(clusterRoles, "system:controller:" + name, rules));
    nodeJoining(clusterRoles, clusterRoleBindings);

    binding(clusterRoleBindings, "cluster-admin", "cluster-admin", group("system:masters"));
    binding(
        clusterRoleBindings, "system:discovery", "system:discovery", group("system:authenticated"));
    binding(
        clusterRoleBindings,
        "system:basic-user",
        "system:basic-user",
        group("system:authenticated"));
    binding(
        clusterRoleBindings,
        "system:public-info-viewer",
        "system:public-info-viewer",
        group("system:authenticated"),
        group("system:unauthenticated"));
    binding(
        clusterRoleBindings,
        "system:kube-scheduler",
        "system:kube-scheduler",
        user("system:kube-scheduler"));
    binding(
        clusterRoleBindings,
        "system:kube-controller-manager",
        "system:kube-controller-manager",
        user("system:kube-controller-manager"));
    binding(
        clusterRoleBindings,
        "system:node-proxier",
        "system:node-proxier",
        user("system:kube-proxy"));
    // the API server calls the kubelets (logs, exec, metrics) as itself, as kubeadm binds it
    binding(
        clusterRoleBindings,
        "kube-apiserver-kubelet-client",
        "system:kubelet-api-admin",
        user("kube-apiserver-kubelet-client"));
    binding(
        clusterRoleBindings,
        "system:kube-dns",
        "system:kube-dns",
        serviceAccount("kube-system", "kube-dns"),
        user("system:kube-dns"));
    // as upstream: kubelets are authorized by the Node authorizer, this binding has no subjects
    binding(clusterRoleBindings, "system:node", "system:node");
    ControllerRoles.controllers()
        .keySet()
        .forEach(
            name ->
                binding(
                    clusterRoleBindings,
                    "system:controller:" + name,
                    "system:controller:" + name,
                    serviceAccount("kube-system", name),
                    user("system:kube-controller-manager")));
  }

  /**
   * What joining nodes and service-account issuer discovery need, as upstream (and kubeadm's
   * bindings for bootstrap tokens): bootstrappers may create and read CSRs and have their node
   * client CSRs approved; nodes may have their renewals approved; every service account may read
   * the issuer's OpenID documents.
   */
  private static void nodeJoining(ResourceStore clusterRoles, ResourceStore clusterRoleBindings) {
    String csrGroup = "certificates.k8s.io";
    role(
        clusterRoles,
        "system:node-bootstrapper",
        resources(
            List.of("create", "get", "list", "watch"),
            List.of(csrGroup),
            List.of("certificatesigningrequests")));
    String nodeClient = "system:certificates.k8s.io:certificatesigningrequests:nodeclient";
    String selfNodeClient = "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient";
    role(
        clusterRoles,
        nodeClient,
        resources(
            List.of("create"),
            List.of(csrGroup),
            List.of("certificatesigningrequests/nodeclient")));
    role(
        clusterRoles,
        selfNodeClient,
        resources(
            List.of("create"),
            List.of(csrGroup),
            List.of("certificatesigningrequests/selfnodeclient")));
    role(
        clusterRoles,
        "system:service-account-issuer-discovery",
        nonResource(
            List.of("get"),
            "/.well-known/openid-configuration",
            "/.well-known/openid-configuration/",
            "/openid/v1/jwks",
            "/openid/v1/jwks/"));
    binding(
        clusterRoleBindings,
        "kubeadm:kubelet-bootstrap",
        "system:node-bootstrapper",
        group("system:bootstrappers"));
    binding(
        clusterRoleBindings,
        "kubeadm:node-autoapprove-bootstrap",
        nodeClient,
        group("system:bootstrappers"));
    binding(
        clusterRoleBindings,
        "kubeadm:node-autoapprove-certificate-rotation",
        selfNodeClient,
        group("system:nodes"));
    binding(
        clusterRoleBindings,
        "system:service-account-issuer-discovery",
        "system:service-account-issuer-discovery",
        group("system:serviceaccounts"));
    // a joined node (k8j agent) runs its service proxy and DNS with the node's own credential
    binding(clusterRoleBindings, "k8j:node-proxier", "system:node-proxier", group("system:nodes"));
    binding(clusterRoleBindings, "k8j:node-dns", "system:kube-dns", group("system:nodes"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  /** The Node authorizer's rules, as the system:node ClusterRole shows them. */
  private static ObjectNode[] nodeRules() {
    return NodeAuthorizer.NODE_RULES.stream()
        .map(r -> resources(r.verbs(), r.apiGroups(), r.resources()))
        .toArray(ObjectNode[]::new);
  }

  static ObjectNode resources(List<String> verbs, List<String> groups, List<String> resources) {
    ObjectNode r = Json.object();
    strings(r.putArray("apiGroups"), groups);
    strings(r.putArray("resources"), resources);
    strings(r.putArray("verbs"), verbs);
    return r;
  }

  private static ObjectNode nonResource(List<String> verbs, String... urls) {
    ObjectNode r = Json.object();
    strings(r.putArray("nonResourceURLs"), List.of(urls));
    strings(r.putArray("verbs"), verbs);
    return r;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static ObjectNode group(String name) {
    return Json.object()
        .put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", "Group")
        .put("name", name);
  }

  private static ObjectNode serviceAccount(String namespace, String name) {
    return Json.object()
        .put("kind", "ServiceAccount")
        .put("name", name)
        .put("namespace", namespace);
  }

  private static ObjectNode user(String name) {
    return Json.object()
        .put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", "User")
        .put("name", name);
  }

  private static ObjectNode metadata(ObjectNode obj, String name) {
    ObjectNode meta = Json.metadata(obj).put("name", name);
    Json.child(meta, "labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
    Json.child(meta, "annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
    return meta;
  }

  /**
   * admin, edit and view as upstream's: each also takes the rules of every ClusterRole labelled
   * {@code rbac.authorization.k8s.io/aggregate-to-<name>: "true"}, and view aggregates into edit,
   * edit into admin.
   */
  private static void aggregatedRole(
      ResourceStore store, String name, String into, ObjectNode... rules) {
    ObjectNode role = clusterRole(name, rules);
    if (into != null) {
      Json.child(Json.metadata(role), "labels").put(AGGREGATE_TO + into, "true");
    }
    role.putObject("aggregationRule")
        .putArray("clusterRoleSelectors")
        .addObject()
        .putObject("matchLabels")
        .put(AGGREGATE_TO + name, "true");
    PolicyReconciler.role(store, role, null);
  }

  private static void role(ResourceStore store, String name, ObjectNode... rules) {
    PolicyReconciler.role(store, clusterRole(name, rules), earlierRules(name));
  }

  /**
   * The rules k8j wrote before its component roles were narrowed to upstream's: the controller
   * manager could do anything, a kubelet read everything.
   */
  private static ArrayNode earlierRules(String role) {
    ObjectNode[] rules =
        switch (role) {
          case "system:kube-controller-manager" ->
              new ObjectNode[] {
                resources(ALL, ALL, List.of("*")),
                nonResource(List.of("get"), "/api", "/api/*", "/apis", "/apis/*")
              };
          case "system:node" ->
              new ObjectNode[] {
                resources(READ, ALL, List.of("*")),
                resources(
                    concat(List.of("create"), WRITE),
                    List.of(""),
                    List.of(
                        "nodes", "nodes/status", "pods", "pods/status", "pods/eviction", "events")),
                resources(
                    List.of("create", "patch", "update"),
                    List.of("events.k8s.io"),
                    List.of("events")),
                resources(ALL, List.of("coordination.k8s.io"), List.of("leases")),
                resources(
                    List.of("create"),
                    List.of("authentication.k8s.io", "authorization.k8s.io"),
                    List.of("tokenreviews", "subjectaccessreviews")),
                resources(List.of("create"), List.of(""), List.of("serviceaccounts/token"))
              };
          default -> null;
        };
    if (rules == null) {
      return null;
    }
    ArrayNode array = Json.object().arrayNode();
    for (ObjectNode r : rules) {
      array.add(r);
    }
    return array;
  }

  private static ObjectNode clusterRole(String name, ObjectNode... rules) {
    ObjectNode role =
        Json.object().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "ClusterRole");
    metadata(role, name);
    ArrayNode array = role.putArray("rules");
    for (ObjectNode r : rules) {
      array.add(r);
    }
    return role;
  }

  private static void binding(
      ResourceStore store, String name, String roleName, ObjectNode... subjects) {
    ObjectNode b =
        Json.object()
            .put("apiVersion", "rbac.authorization.k8s.io/v1")
            .put("kind", "ClusterRoleBinding");
    metadata(b, name);
    b.putObject("roleRef")
        .put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", "ClusterRole")
        .put("name", roleName);
    ArrayNode array = b.putArray("subjects");
    for (ObjectNode s : subjects) {
      array.add(s);
    }
    // an earlier k8j bound every kubelet to system:node; the Node authorizer does that now
    PolicyReconciler.binding(
        store,
        b,
        name.equals("system:node") ? Json.object().arrayNode().add(group("system:nodes")) : null);
  }
}

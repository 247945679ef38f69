package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roles of the controller manager, as upstream's bootstrap policy has them: {@code
 * system:kube-controller-manager} (leader election, informers, service accounts and secrets) and
 * one {@code system:controller:<name>} role per controller. Upstream binds each controller role to
 * that controller's service account in kube-system; k8j runs every controller under the controller
 * manager's own identity, so each role is bound to that user as well — the union is what the
 * controllers need, never cluster-admin.
 */
final class ControllerRoles {
  private static final String CORE = "";
  private static final String APPS = "apps";
  private static final String BATCH = "batch";
  private static final String EVENTS_K8S = "events.k8s.io";

  private ControllerRoles() {}

  /** Upstream's system:kube-controller-manager rules. */
  static ObjectNode[] controllerManager() {
    return new ObjectNode[] {
      rule("create", "coordination.k8s.io", "leases"),
      named("get,update", "coordination.k8s.io", "leases", "kube-controller-manager"),
      rule("create", CORE, "secrets,serviceaccounts"),
      rule("delete", CORE, "secrets"),
      rule("get", CORE, "configmaps,namespaces,secrets,serviceaccounts"),
      rule("update", CORE, "secrets,serviceaccounts"),
      rule("create", "authentication.k8s.io", "tokenreviews"),
      rule("create", "authorization.k8s.io", "subjectaccessreviews"),
      rule("list,watch", "*", "*"),
      rule("create", CORE, "serviceaccounts/token"),
      events()
    };
  }

  /** Each controller's role, by the controller's name. */
  static Map<String, ObjectNode[]> controllers() {
    Map<String, ObjectNode[]> m = new LinkedHashMap<>();
    m.put(
        "deployment-controller",
        new ObjectNode[] {
          rule("get,list,watch,update,patch", APPS, "deployments"),
          rule("update", APPS, "deployments/status,deployments/finalizers"),
          rule("create,delete,get,list,patch,update,watch", APPS, "replicasets"),
          rule("get,list,update,watch", CORE, "pods"),
          events()
        });
    m.put(
        "replicaset-controller",
        new ObjectNode[] {
          rule("get,list,watch,update", APPS, "replicasets"),
          rule("update", APPS, "replicasets/status,replicasets/finalizers"),
          rule("create,delete,list,patch,watch", CORE, "pods"),
          events()
        });
    m.put(
        "replication-controller",
        new ObjectNode[] {
          rule("get,list,watch,update", CORE, "replicationcontrollers"),
          rule("update", CORE, "replicationcontrollers/status,replicationcontrollers/finalizers"),
          rule("create,delete,list,patch,watch", CORE, "pods"),
          events()
        });
    m.put(
        "generic-garbage-collector",
        new ObjectNode[] {rule("get,list,watch,patch,update,delete", "*", "*"), events()});
    m.put(
        "namespace-controller",
        new ObjectNode[] {
          rule("get,list,watch,delete", CORE, "namespaces"),
          rule("update", CORE, "namespaces/finalize,namespaces/status"),
          rule("get,list,delete,deletecollection", "*", "*"),
          events()
        });
    m.put(
        "node-controller",
        new ObjectNode[] {
          rule("get,list,update,delete,patch", CORE, "nodes"),
          rule("patch,update", CORE, "nodes/status"),
          rule("patch,update", CORE, "pods/status"),
          rule("list,delete", CORE, "pods"),
          events()
        });
    m.put(
        "taint-eviction-controller",
        new ObjectNode[] {
          rule("patch,update", CORE, "pods/status"), rule("list,delete", CORE, "pods"), events()
        });
    m.put(
        "endpoint-controller",
        new ObjectNode[] {
          rule("get,list,watch", CORE, "services,pods"),
          rule("get,list,create,update,delete", CORE, "endpoints"),
          rule("create", CORE, "endpoints/restricted"),
          events()
        });
    m.put(
        "endpointslice-controller",
        new ObjectNode[] {
          rule("get,list,watch", CORE, "services,pods,nodes"),
          rule("get,list,create,update,delete", "discovery.k8s.io", "endpointslices"),
          events()
        });
    m.put(
        "service-account-controller",
        new ObjectNode[] {rule("create", CORE, "serviceaccounts"), events()});
    m.put(
        "ttl-after-finished-controller",
        new ObjectNode[] {rule("get,list,watch,delete", BATCH, "jobs"), events()});
    m.put(
        "pod-garbage-collector",
        new ObjectNode[] {
          rule("list,watch,delete", CORE, "pods"),
          rule("get,list", CORE, "nodes"),
          rule("patch,update", CORE, "pods/status")
        });
    m.put(
        "job-controller",
        new ObjectNode[] {
          rule("get,list,watch,update,patch", BATCH, "jobs"),
          rule("update", BATCH, "jobs/status,jobs/finalizers"),
          rule("list,watch,create,delete,patch", CORE, "pods"),
          events()
        });
    m.put(
        "cronjob-controller",
        new ObjectNode[] {
          rule("get,list,watch,update", BATCH, "cronjobs"),
          rule("get,list,watch,create,update,delete,patch", BATCH, "jobs"),
          rule("update", BATCH, "cronjobs/status,cronjobs/finalizers"),
          rule("list,delete", CORE, "pods"),
          events()
        });
    m.put(
        "resourcequota-controller",
        new ObjectNode[] {
          rule("list,watch", "*", "*"), rule("update", CORE, "resourcequotas/status"), events()
        });
    m.put(
        "certificate-controller",
        new ObjectNode[] {
          rule("get,list,watch,delete", "certificates.k8s.io", "certificatesigningrequests"),
          rule(
              "update",
              "certificates.k8s.io",
              "certificatesigningrequests/status,certificatesigningrequests/approval"),
          rule("approve,sign", "certificates.k8s.io", "signers"),
          rule("create", "authorization.k8s.io", "subjectaccessreviews"),
          events()
        });
    m.put(
        "root-ca-cert-publisher",
        new ObjectNode[] {rule("create,update", CORE, "configmaps"), events()});
    m.put(
        "bootstrap-signer",
        new ObjectNode[] {
          rule("get,list,watch", CORE, "secrets"), rule("update", CORE, "configmaps"), events()
        });
    m.put(
        "token-cleaner",
        new ObjectNode[] {rule("delete,get,list,watch", CORE, "secrets"), events()});
    m.put(
        "node-ipam-controller",
        new ObjectNode[] {rule("get,list,watch,update,patch", CORE, "nodes"), events()});
    // k8j's own: keeps kube-system/kube-dns and its endpoints (upstream's addon manager does it)
    m.put(
        "kube-dns-service",
        new ObjectNode[] {
          rule("get,create,update,patch", CORE, "services,endpoints"),
          rule("get,list,watch,create,update,delete", "discovery.k8s.io", "endpointslices")
        });
    m.put(
        "clusterrole-aggregation-controller",
        new ObjectNode[] {
          rule("escalate,get,list,patch,update,watch", "rbac.authorization.k8s.io", "clusterroles")
        });
    String certs = "certificates.k8s.io";
    m.put(
        "certificate-controller",
        new ObjectNode[] {
          rule("delete,get,list,watch", certs, "certificatesigningrequests"),
          rule(
              "update",
              certs,
              "certificatesigningrequests/approval,certificatesigningrequests/status"),
          rule("approve,sign", certs, "signers"),
          rule("create", "authorization.k8s.io", "subjectaccessreviews"),
          events()
        });
    m.put(
        "root-ca-cert-publisher",
        new ObjectNode[] {rule("create,update", CORE, "configmaps"), events()});
    m.put(
        "token-cleaner",
        new ObjectNode[] {rule("delete,get,list,watch", CORE, "secrets"), events()});
    return m;
  }

  private static ObjectNode events() {
    ObjectNode r = rule("create,update,patch", CORE, "events");
    r.withArray("apiGroups").add(EVENTS_K8S);
    return r;
  }

  static ObjectNode rule(String verbs, String group, String resources) {
    return BootstrapPolicy.resources(
        List.of(verbs.split(",")), List.of(group), List.of(resources.split(",")));
  }

  private static ObjectNode named(String verbs, String group, String resource, String name) {
    ObjectNode r = rule(verbs, group, resource);
    r.putArray("resourceNames").add(name);
    return r;
  }
}

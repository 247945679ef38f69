package io.k8j.apiserver.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bootstrap policy is reconciled at every start, as upstream's: missing parts come back. */
class PolicyReconcileTest {
  private static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";

  private static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void restartRestoresDefaultsButNotWhatTheUserTookOver() throws Exception {
    Path dir = Files.createTempDirectory("k8j-reconcile");
    try (TestApiServer first = new TestApiServer(dir, 0)) {
      ApiClient admin = new ApiClient(first.kubeconfig());
      // an older policy: the scheduler's role lost its rules but gained one of the user's
      ObjectNode scheduler = admin.get(RBAC + "/clusterroles/system:kube-scheduler").json();
      scheduler
          .putArray("rules")
          .add(json("{'apiGroups':['x.io'],'resources':['y'],'verbs':['get']}"));
      Json.metadata(scheduler).with("labels").remove("kubernetes.io/bootstrapping");
      assertThat(admin.put(RBAC + "/clusterroles/system:kube-scheduler", scheduler).code())
          .isEqualTo(200);
      // the user narrowed view and said so
      ObjectNode view = admin.get(RBAC + "/clusterroles/view").json();
      view.putArray("rules");
      Json.metadata(view)
          .with("annotations")
          .put("rbac.authorization.kubernetes.io/autoupdate", "false");
      assertThat(admin.put(RBAC + "/clusterroles/view", view).code()).isEqualTo(200);
      // what k8j wrote before its component roles were narrowed
      ObjectNode cm = admin.get(RBAC + "/clusterroles/system:kube-controller-manager").json();
      cm.putArray("rules")
          .add(json("{'apiGroups':['*'],'resources':['*'],'verbs':['*']}"))
          .add(json("{'nonResourceURLs':['/api','/api/*','/apis','/apis/*'],'verbs':['get']}"));
      assertThat(admin.put(RBAC + "/clusterroles/system:kube-controller-manager", cm).code())
          .isEqualTo(200);
      ObjectNode node = admin.get(RBAC + "/clusterrolebindings/system:node").json();
      node.putArray("subjects")
          .add(
              json(
                  "{'apiGroup':'rbac.authorization.k8s.io','kind':'Group','name':'system:nodes'}"));
      assertThat(admin.put(RBAC + "/clusterrolebindings/system:node", node).code()).isEqualTo(200);
      // a binding that lost a subject, and one bound to another role
      ObjectNode viewer = admin.get(RBAC + "/clusterrolebindings/system:public-info-viewer").json();
      ((ArrayNode) viewer.path("subjects")).remove(1);
      assertThat(admin.put(RBAC + "/clusterrolebindings/system:public-info-viewer", viewer).code())
          .isEqualTo(200);
      admin.delete(RBAC + "/clusterrolebindings/system:kube-dns");
      assertThat(
              admin
                  .post(
                      RBAC + "/clusterrolebindings",
                      json(
                          "{'metadata':{'name':'system:kube-dns','annotations':{'rbac.authorization.kubernetes.io/autoupdate':'true'}},"
                              + "'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'cluster-admin'},"
                              + "'subjects':[{'kind':'User','apiGroup':'rbac.authorization.k8s.io','name':'old-dns'}]}"))
                  .code())
          .isEqualTo(201);
    }
    try (TestApiServer second = new TestApiServer(dir, 0)) {
      ApiClient admin = new ApiClient(second.kubeconfig());
      JsonNode scheduler = admin.get(RBAC + "/clusterroles/system:kube-scheduler").json();
      assertThat(scheduler.path("rules").toString())
          .contains("x.io", "pods/binding", "leases", "pods/status");
      assertThat(
              scheduler
                  .path("metadata")
                  .path("labels")
                  .path("kubernetes.io/bootstrapping")
                  .asText())
          .isEqualTo("rbac-defaults");
      assertThat(admin.get(RBAC + "/clusterroles/view").json().path("rules")).isEmpty();
      JsonNode viewer = admin.get(RBAC + "/clusterrolebindings/system:public-info-viewer").json();
      assertThat(viewer.path("subjects").toString())
          .contains("system:authenticated", "system:unauthenticated");
      JsonNode cm = admin.get(RBAC + "/clusterroles/system:kube-controller-manager").json();
      assertThat(cm.path("rules").toString()).contains("leases");
      cm.path("rules").forEach(r -> assertThat(r.path("verbs").toString()).doesNotContain("\"*\""));
      assertThat(admin.get(RBAC + "/clusterrolebindings/system:node").json().path("subjects"))
          .isEmpty();
      JsonNode dns = admin.get(RBAC + "/clusterrolebindings/system:kube-dns").json();
      assertThat(dns.path("roleRef").path("name").asText()).isEqualTo("system:kube-dns");
      assertThat(dns.path("subjects").toString()).contains("old-dns", "kube-dns");
    }
  }
}

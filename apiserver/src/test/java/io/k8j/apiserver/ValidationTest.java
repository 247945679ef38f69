package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upstream's validation messages, kind by kind, as kubectl would print them. */
class ValidationTest {
  static TestApiServer server;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    api = new ApiClient(server.kubeconfig());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static final String POD_SPEC = "{'containers':[{'name':'c','image':'x'}]}";
  static final String TEMPLATE = "{'metadata':{'labels':{'app':'a'}},'spec':" + POD_SPEC + "}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/v1/namespaces/default/pods|{'kind':'Pod','metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'x','ports':[{'containerPort':70000}]}]}}"
            + "|Pod \"p\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "/api/v1/namespaces/default/pods|{'kind':'Pod','metadata':{'name':'p'},'spec':{'restartPolicy':'Sometimes','containers':[{'name':'c','image':'x'}]}}"
            + "|Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
        "/api/v1/namespaces/default/pods|{'kind':'Pod','metadata':{'name':'p','labels':{'bad key!':'v'}},'spec':"
            + "{'containers':[{'name':'c','image':'x'}]}}"
            + "|Pod \"p\" is invalid: metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters",
        "/api/v1/namespaces/default/services|{'kind':'Service','metadata':{'name':'s'},'spec':{'ports':[{'port':0}]}}"
            + "|Service \"s\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "/api/v1/namespaces/default/services|{'kind':'Service','metadata':{'name':'1svc'},'spec':{'ports':[{'port':80}]}}"
            + "|Service \"1svc\" is invalid: metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of",
        "/api/v1/namespaces|{'kind':'Namespace','metadata':{'name':'a.b'}}"
            + "|Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of",
        "/apis/apps/v1/namespaces/default/deployments|{'kind':'Deployment','metadata':{'name':'d'},'spec':{'selector':{'matchLabels':{'app':'b'}},'template':"
            + TEMPLATE
            + "}}"
            + "|Deployment.apps \"d\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"a\"}: `selector` does not match template `labels`",
        "/apis/apps/v1/namespaces/default/deployments|{'kind':'Deployment','metadata':{'name':'d'},'spec':{'template':"
            + TEMPLATE
            + "}}"
            + "|Deployment.apps \"d\" is invalid: spec.selector: Required value",
        "/apis/batch/v1/namespaces/default/jobs|{'kind':'Job','metadata':{'name':'j'},'spec':{'template':{'spec':"
            + POD_SPEC
            + "}}}"
            + "|Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
        "/api/v1/persistentvolumes|{'kind':'PersistentVolume','metadata':{'name':'pv'},'spec':{'accessModes':['ReadWriteOnce'],'capacity':{'storage':'1Gi'}}}"
            + "|PersistentVolume \"pv\" is invalid: spec: Required value: must specify a volume type",
        "/api/v1/namespaces/default/persistentvolumeclaims|{'kind':'PersistentVolumeClaim','metadata':{'name':'c'},'spec':{'resources':{'requests':{'storage':'1Gi'}}}}"
            + "|PersistentVolumeClaim \"c\" is invalid: spec.accessModes: Required value: at least 1 access mode is required",
        "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers|{'kind':'HorizontalPodAutoscaler','metadata':{'name':'h'},'spec':{'scaleTargetRef':{'kind':'Deployment','name':'d'},'minReplicas':3,'maxReplicas':2}}"
            + "|HorizontalPodAutoscaler.autoscaling \"h\" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings|{'kind':'RoleBinding','metadata':{'name':'rb'},'roleRef':{'kind':'Group','name':'x'}}"
            + "|RoleBinding.rbac.authorization.k8s.io \"rb\" is invalid: roleRef.kind: Unsupported value: \"Group\": supported values: \"Role\", \"ClusterRole\"",
        "/apis/storage.k8s.io/v1/storageclasses|{'kind':'StorageClass','metadata':{'name':'sc'}}"
            + "|StorageClass.storage.k8s.io \"sc\" is invalid: provisioner: Required value",
      })
  void invalidObjectsGet422WithUpstreamsMessage(String path, String json, String message)
      throws Exception {
    var r = api.post(path, Json.MAPPER.readTree(json.replace('\'', '"')));
    assertThat(r.code()).as(r.body()).isEqualTo(422);
    assertThat(r.json().path("message").asText()).startsWith(message);
  }

  @Test
  void immutableFieldsStayAsCreated() throws Exception {
    ObjectNode d =
        (ObjectNode)
            Json.MAPPER.readTree(
                ("{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'imm'},"
                        + "'spec':{'selector':{'matchLabels':{'app':'a'}},'template':"
                        + TEMPLATE
                        + "}}")
                    .replace('\'', '"'));
    ObjectNode created = api.post("/apis/apps/v1/namespaces/default/deployments", d).json();
    ((ObjectNode) created.path("spec").path("selector").path("matchLabels")).put("app", "b");
    ((ObjectNode) created.path("spec").path("template").path("metadata").path("labels"))
        .put("app", "b");
    var r = api.put("/apis/apps/v1/namespaces/default/deployments/imm", created);
    assertThat(r.code()).isEqualTo(422);
    assertThat(r.json().path("message").asText())
        .contains(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"b\"}")
        .contains("field is immutable");

    ObjectNode svc =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"imm\"},\"spec\":{\"ports\":[{\"port\":80}]}}");
    ObjectNode s = api.post("/api/v1/namespaces/default/services", svc).json();
    ((ObjectNode) s.path("spec")).put("clusterIP", "10.43.99.99");
    var changed = api.put("/api/v1/namespaces/default/services/imm", s);
    assertThat(changed.code()).isEqualTo(422);
    assertThat(changed.json().path("message").asText())
        .contains("spec.clusterIPs[0]")
        .contains("may not change once set");

    ObjectNode sts =
        (ObjectNode)
            Json.MAPPER.readTree(
                ("{'kind':'StatefulSet','apiVersion':'apps/v1','metadata':{'name':'imm'},"
                        + "'spec':{'serviceName':'a','selector':{'matchLabels':{'app':'a'}},'template':"
                        + TEMPLATE
                        + "}}")
                    .replace('\'', '"'));
    ObjectNode st = api.post("/apis/apps/v1/namespaces/default/statefulsets", sts).json();
    ((ObjectNode) st.path("spec")).put("serviceName", "other").put("replicas", 3);
    var stsChanged = api.put("/apis/apps/v1/namespaces/default/statefulsets/imm", st);
    assertThat(stsChanged.code()).isEqualTo(422);
    assertThat(stsChanged.json().path("message").asText())
        .contains("spec: Forbidden: updates to statefulset spec for fields other than 'replicas'");
  }
}

package io.k8j.apiserver.auth;

import static io.k8j.apiserver.auth.TokenUsers.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node authorizer and NodeRestriction: a kubelet reads only what the pods bound to it use, and
 * changes only its own Node, Lease and pods.
 */
class NodeAuthorizationTest {
  static TokenUsers users;
  static final String N1 = "tok-n1";

  @BeforeAll
  static void start() throws Exception {
    users = new TokenUsers("tok-n1,system:node:n1,n1,\"system:nodes\"\n");
    for (String s : new String[] {"s1", "s2", "s3"}) {
      users.admin.post(
          "/api/v1/namespaces/default/secrets",
          json("{'metadata':{'name':'" + s + "'},'stringData':{'k':'v'}}"));
    }
    pod("p1", "n1", "s1");
    pod("p2", "n2", "s2");
    users.admin.post("/api/v1/nodes", json("{'metadata':{'name':'n2'}}"));
  }

  private static void pod(String name, String node, String secret) throws Exception {
    ApiClient.Response r =
        users.admin.post(
            "/api/v1/namespaces/default/pods",
            json(
                "{'metadata':{'name':'"
                    + name
                    + "'},'spec':{'nodeName':'"
                    + node
                    + "','containers':[{'name':'c','image':'busybox','envFrom':[{'secretRef':"
                    + "{'name':'"
                    + secret
                    + "'}}]}]}}"));
    assertThat(r.code()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    users.close();
  }

  @Test
  void aNodeReadsTheSecretsOfItsPodsOnly() throws Exception {
    assertThat(users.send(N1, "GET", "/api/v1/namespaces/default/secrets/s1", null).code())
        .isEqualTo(200);
    ApiClient.Response other = users.send(N1, "GET", "/api/v1/namespaces/default/secrets/s2", null);
    assertThat(other.code()).isEqualTo(403);
    assertThat(other.json().path("message").asText())
        .isEqualTo(
            "secrets \"s2\" is forbidden: User \"system:node:n1\" cannot get resource \"secrets\""
                + " in API group \"\" in the namespace \"default\": no relationship found between"
                + " node 'n1' and this object");
    assertThat(users.send(N1, "GET", "/api/v1/namespaces/default/secrets/s3", null).code())
        .isEqualTo(403);
    assertThat(users.send(N1, "GET", "/api/v1/namespaces/default/secrets", null).code())
        .isEqualTo(403);
  }

  @Test
  void aNodeChangesOnlyItsOwnNode() throws Exception {
    assertThat(users.send(N1, "POST", "/api/v1/nodes", json("{'metadata':{'name':'n1'}}")).code())
        .isEqualTo(201);
    ApiClient.Response r =
        users.send(N1, "PATCH", "/api/v1/nodes/n2/status", json("{'status':{'phase':'Running'}}"));
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText())
        .isEqualTo("nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
  }

  @Test
  void aNodeUpdatesTheStatusOfItsPodsOnly() throws Exception {
    String patch = "{'status':{'message':'seen'}}";
    assertThat(
            users
                .send(N1, "PATCH", "/api/v1/namespaces/default/pods/p1/status", json(patch))
                .code())
        .isEqualTo(200);
    ApiClient.Response r =
        users.send(N1, "PATCH", "/api/v1/namespaces/default/pods/p2/status", json(patch));
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "pods \"p2\" is forbidden: node \"n1\" can only update pod status for pods with"
                + " spec.nodeName set to itself");
    assertThat(users.send(N1, "DELETE", "/api/v1/namespaces/default/pods/p2", null).code())
        .isEqualTo(403);
  }

  @Test
  void aNodeCreatesOnlyMirrorPodsOfItsOwn() throws Exception {
    ApiClient.Response r =
        users.send(
            N1,
            "POST",
            "/api/v1/namespaces/default/pods",
            json(
                "{'metadata':{'name':'sneaky'},'spec':{'nodeName':'n1','containers':[{'name':'c',"
                    + "'image':'busybox'}]}}"));
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText()).contains("can only create mirror pods");
  }

  @Test
  void aNodeTouchesOnlyItsOwnLease() throws Exception {
    String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";
    assertThat(users.send(N1, "POST", lease, json("{'metadata':{'name':'n1'},'spec':{}}")).code())
        .isEqualTo(201);
    assertThat(users.send(N1, "POST", lease, json("{'metadata':{'name':'n2'},'spec':{}}")).code())
        .isEqualTo(403);
    assertThat(users.send(N1, "GET", lease + "/n2", null).code()).isEqualTo(403);
  }
}

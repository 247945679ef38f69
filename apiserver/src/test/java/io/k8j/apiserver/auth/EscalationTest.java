package io.k8j.apiserver.auth;

import static io.k8j.apiserver.auth.TokenUsers.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RBAC escalation prevention: no one grants or binds more than it holds without escalate/bind. */
class EscalationTest {
  static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";
  static TokenUsers users;

  @BeforeAll
  static void start() throws Exception {
    users = new TokenUsers("tok-alice,alice,u1,\"dev\"\ntok-carol,carol,u3\n");
    users.admin.post("/api/v1/namespaces", json("{'metadata':{'name':'team-a'}}"));
    bind("alice-admin", "alice", "admin");
    bind("carol-admin", "carol", "admin");
    users.admin.post(
        RBAC + "/clusterroles",
        json(
            "{'metadata':{'name':'powers'},'rules':[{'apiGroups':['rbac.authorization.k8s.io'],"
                + "'resources':['roles'],'verbs':['escalate']},{'apiGroups':"
                + "['rbac.authorization.k8s.io'],'resources':['clusterroles'],'verbs':['bind'],"
                + "'resourceNames':['cluster-admin']}]}"));
    bind("carol-powers", "carol", "powers");
  }

  private static void bind(String name, String user, String clusterRole) throws Exception {
    users.admin.post(
        RBAC + "/namespaces/team-a/rolebindings",
        json(
            "{'metadata':{'name':'"
                + name
                + "'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole',"
                + "'name':'"
                + clusterRole
                + "'},'subjects':[{'kind':'User','name':'"
                + user
                + "'}]}"));
  }

  @AfterAll
  static void stop() throws Exception {
    users.close();
  }

  private static ApiClient.Response createRole(String token, String name, String resource)
      throws Exception {
    return users.send(
        token,
        "POST",
        RBAC + "/namespaces/team-a/roles",
        json(
            "{'metadata':{'name':'"
                + name
                + "'},'rules':[{'apiGroups':[''],'resources':['"
                + resource
                + "'],'verbs':['get','list']}]}"));
  }

  private static ApiClient.Response createBinding(String token, String name, String clusterRole)
      throws Exception {
    return users.send(
        token,
        "POST",
        RBAC + "/namespaces/team-a/rolebindings",
        json(
            "{'metadata':{'name':'"
                + name
                + "'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole',"
                + "'name':'"
                + clusterRole
                + "'},'subjects':[{'kind':'User','name':'mallory'}]}"));
  }

  @Test
  void aRoleWithinWhatTheUserHoldsIsCreated() throws Exception {
    assertThat(createRole("tok-alice", "reader", "secrets").code()).isEqualTo(201);
  }

  @Test
  void aRoleGrantingMoreIsForbiddenWithUpstreamsMessage() throws Exception {
    ApiClient.Response r = createRole("tok-alice", "nodes-reader", "nodes");
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "roles.rbac.authorization.k8s.io \"nodes-reader\" is forbidden: user \"alice\""
                + " (groups=[\"dev\" \"system:authenticated\"]) is attempting to grant RBAC"
                + " permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}\n"
                + "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"list\"]}");
  }

  @Test
  void escalateAllowsGrantingMore() throws Exception {
    assertThat(createRole("tok-carol", "carol-nodes", "nodes").code()).isEqualTo(201);
  }

  @Test
  void bindingARoleNotHeldIsForbiddenUnlessBindIsGranted() throws Exception {
    assertThat(createBinding("tok-alice", "alice-edit", "edit").code()).isEqualTo(201);
    ApiClient.Response r = createBinding("tok-alice", "alice-root", "cluster-admin");
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText())
        .startsWith(
            "rolebindings.rbac.authorization.k8s.io \"alice-root\" is forbidden: user \"alice\"")
        .contains("is attempting to grant RBAC permissions not currently held:");
    assertThat(createBinding("tok-carol", "carol-root", "cluster-admin").code()).isEqualTo(201);
  }

  @Test
  void anAggregationRuleNeedsEveryPermission() throws Exception {
    ApiClient.Response r =
        users.send(
            "tok-carol",
            "POST",
            RBAC + "/clusterroles",
            json(
                "{'metadata':{'name':'agg'},'aggregationRule':{'clusterRoleSelectors':"
                    + "[{'matchLabels':{'x':'y'}}]}}"));
    assertThat(r.code()).isEqualTo(403);
  }
}

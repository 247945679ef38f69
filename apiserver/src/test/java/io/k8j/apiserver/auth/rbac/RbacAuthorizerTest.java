package io.k8j.apiserver.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.UserInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RbacAuthorizerTest {
  private static JsonNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static final RbacObjects OBJECTS =
      new RbacObjects() {
        @Override
        public List<JsonNode> clusterRoles() {
          return List.of(
              json(
                  "{'metadata':{'name':'view'},'rules':[{'apiGroups':[''],'resources':['pods','pods/log'],'verbs':['get','list']}]}"),
              json(
                  "{'metadata':{'name':'agg'},'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'x':'y'}}]}}"),
              json(
                  "{'metadata':{'name':'part','labels':{'x':'y'}},'rules':[{'apiGroups':['apps'],'resources':['*/scale'],'verbs':['update']}]}"),
              json(
                  "{'metadata':{'name':'health'},'rules':[{'nonResourceURLs':['/healthz','/logs/*'],'verbs':['get']}]}"));
        }

        @Override
        public List<JsonNode> clusterRoleBindings() {
          return List.of(
              json(
                  "{'roleRef':{'kind':'ClusterRole','name':'agg'},'subjects':[{'kind':'Group','name':'ops'}]}"),
              json(
                  "{'roleRef':{'kind':'ClusterRole','name':'health'},'subjects':[{'kind':'User','name':'carol'}]}"));
        }

        @Override
        public List<JsonNode> roleBindings(String namespace) {
          if (!namespace.equals("team-a")) {
            return List.of();
          }
          return List.of(
              json(
                  "{'roleRef':{'kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User','name':'alice'},{'kind':'ServiceAccount','name':'robot'}]}"),
              json(
                  "{'roleRef':{'kind':'Role','name':'one-secret'},'subjects':[{'kind':'User','name':'bob'}]}"));
        }

        @Override
        public JsonNode role(String namespace, String name) {
          return name.equals("one-secret")
              ? json(
                  "{'rules':[{'apiGroups':[''],'resources':['secrets'],'resourceNames':['s1'],'verbs':['get']}]}")
              : null;
        }
      };

  @ParameterizedTest(name = "{0} {1} {2}/{3} {4} in {5} -> {6}")
  @CsvSource({
    "alice, list, '', pods, '', team-a, '', true",
    "alice, get, '', pods, log, team-a, p, true",
    "alice, list, '', pods, '', team-b, '', false",
    "alice, list, '', secrets, '', team-a, '', false",
    "alice, delete, '', pods, '', team-a, p, false",
    "alice, get, '', pods, exec, team-a, p, false",
    "bob, get, '', secrets, '', team-a, s1, true",
    "bob, get, '', secrets, '', team-a, s2, false",
    "bob, list, '', secrets, '', team-a, '', false",
    "system:serviceaccount:team-a:robot, get, '', pods, '', team-a, p, true",
    "system:serviceaccount:team-b:robot, get, '', pods, '', team-a, p, false",
    "dave, update, apps, deployments, scale, team-a, d, true",
    "dave, update, apps, deployments, '', team-a, d, false",
    "root, delete, '', secrets, '', '', x, true",
  })
  void resourceRequests(
      String user,
      String verb,
      String group,
      String resource,
      String sub,
      String ns,
      String name,
      boolean allowed) {
    List<String> groups =
        switch (user) {
          case "dave" -> List.of("ops");
          case "root" -> List.of("system:masters");
          default -> List.of();
        };
    UserInfo u = UserInfo.authenticated(user, "", groups);
    assertThat(
            new RbacAuthorizer(OBJECTS)
                .allows(Attributes.resource(u, verb, group, resource, sub, ns, name)))
        .isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({"carol, /healthz, true", "carol, /logs/x, true", "carol, /api, false"})
  void nonResourceRequests(String user, String path, boolean allowed) {
    UserInfo u = UserInfo.authenticated(user, "", List.of());
    assertThat(new RbacAuthorizer(OBJECTS).allows(Attributes.nonResource(u, "get", path)))
        .isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "team-a|User \"x\" cannot list resource \"secrets\" in API group \"\" in the namespace \"team-a\"",
        "''|User \"x\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"
      })
  void forbiddenMessagesReadAsUpstream(String ns, String message) {
    UserInfo u = UserInfo.authenticated("x", "", List.of());
    assertThat(Attributes.resource(u, "list", "", "secrets", "", ns, "").forbiddenMessage())
        .isEqualTo(message);
  }
}

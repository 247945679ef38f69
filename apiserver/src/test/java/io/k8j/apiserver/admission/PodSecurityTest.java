package io.k8j.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.ResourceDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PodSecurity's modes, exemptions, defaults and workload warnings, as upstream's plugin. */
class PodSecurityTest {
  static final ResourceDef PODS = ResourceDef.builder("", "v1", "Pod", "pods").build();
  static final ResourceDef DEPLOYMENTS =
      ResourceDef.builder("apps", "v1", "Deployment", "deployments").build();
  static final ResourceDef NAMESPACES =
      ResourceDef.builder("", "v1", "Namespace", "namespaces").build();
  static final String PLAIN = "{'spec':{'containers':[{'name':'c','image':'i'}]}}";

  final Map<String, JsonNode> namespaces = new HashMap<>();
  final Map<String, List<ObjectNode>> pods = new HashMap<>();
  final List<String> warnings = new ArrayList<>();

  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  void namespace(String name, String labels) {
    namespaces.put(name, json("{'metadata':{'name':'" + name + "','labels':{" + labels + "}}}"));
  }

  PodSecurity plugin(PodSecurityConfiguration config) {
    return new PodSecurity(namespaces::get, ns -> pods.getOrDefault(ns, List.of()), config);
  }

  void admit(
      PodSecurity plugin,
      String user,
      AdmissionRequest.Operation op,
      ResourceDef def,
      String ns,
      ObjectNode obj,
      ObjectNode old) {
    AdmissionRequest r =
        new AdmissionRequest(
            op, def, "", ns, "x", obj, old, UserInfo.authenticated(user, "", List.of()), false);
    RequestContext.run(r.user(), warnings::add, () -> plugin.validate(r));
  }

  void create(PodSecurity plugin, String user, ResourceDef def, String ns, ObjectNode obj) {
    admit(plugin, user, AdmissionRequest.Operation.CREATE, def, ns, obj, null);
  }

  @Test
  void exemptUsersNamespacesAndRuntimeClassesAreNotChecked() throws Exception {
    PodSecurityConfiguration config =
        new PodSecurityConfiguration(
            Map.of("enforce", "restricted"), java.util.Set.of("ci-bot"),
            java.util.Set.of("kata"), java.util.Set.of("kube-system"));
    PodSecurity plugin = plugin(config);
    namespace("apps", "");
    namespace("kube-system", "");
    assertThatThrownBy(() -> create(plugin, "alice", PODS, "apps", json(PLAIN)))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith(
            "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\"");
    create(plugin, "ci-bot", PODS, "apps", json(PLAIN));
    create(plugin, "alice", PODS, "kube-system", json(PLAIN));
    create(
        plugin,
        "alice",
        PODS,
        "apps",
        json("{'spec':{'runtimeClassName':'kata','containers':[{'name':'c','image':'i'}]}}"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void aWorkloadTemplateIsWarnedAboutNeverRefused() {
    namespace(
        "apps",
        "'pod-security.kubernetes.io/enforce':'baseline','pod-security.kubernetes.io/enforce-version':'v1.31','pod-security.kubernetes.io/warn':'restricted'");
    ObjectNode deployment =
        json(
            "{'spec':{'template':{'spec':{'hostNetwork':true,'containers':[{'name':'c',"
                + "'image':'i','securityContext':{'allowPrivilegeEscalation':false,"
                + "'capabilities':{'drop':['ALL']},'runAsNonRoot':true,"
                + "'seccompProfile':{'type':'RuntimeDefault'}}}]}}}}");
    create(plugin(PodSecurityConfiguration.DEFAULT), "alice", DEPLOYMENTS, "apps", deployment);
    assertThat(warnings)
        .containsExactly(
            "would violate PodSecurity \"baseline:v1.31\": host namespaces (hostNetwork=true)",
            "would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)");
  }

  @Test
  void namespacesNeedValidLevelsAndANewLevelWarnsAboutExistingPods() {
    PodSecurity plugin = plugin(PodSecurityConfiguration.DEFAULT);
    assertThatThrownBy(
            () ->
                create(
                    plugin,
                    "alice",
                    NAMESPACES,
                    "",
                    json(
                        "{'metadata':{'name':'x','labels':{'pod-security.kubernetes.io/enforce':'strict'}}}")))
        .isInstanceOf(ApiException.class)
        .hasMessage(
            "Namespace \"x\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]:"
                + " Invalid value: \"strict\": must be one of privileged, baseline, restricted");
    pods.put(
        "x",
        List.of(
            json("{'metadata':{'name':'a'},'spec':{'hostPID':true,'containers':[{'name':'c'}]}}"),
            json("{'metadata':{'name':'b'},'spec':{'hostPID':true,'containers':[{'name':'c'}]}}"),
            json("{'metadata':{'name':'ok'},'spec':{'containers':[{'name':'c'}]}}")));
    admit(
        plugin,
        "alice",
        AdmissionRequest.Operation.UPDATE,
        NAMESPACES,
        "",
        json(
            "{'metadata':{'name':'x','labels':{'pod-security.kubernetes.io/enforce':'baseline'}}}"),
        json("{'metadata':{'name':'x'}}"));
    assertThat(warnings)
        .containsExactly(
            "existing pods in namespace \"x\" violate the new PodSecurity enforce level"
                + " \"baseline:latest\"",
            "a (and 1 other pod): host namespaces");
  }

  @Test
  void theAdmissionConfigurationGivesDefaultsAndExemptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("admission.yaml");
    Files.writeString(
        file,
        """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:
              enforce: baseline
              warn: restricted
              warn-version: v1.30
            exemptions:
              usernames: [ci-bot]
              namespaces: [kube-system]
        """);
    PodSecurityConfiguration c = PodSecurityConfiguration.read(file);
    assertThat(c.defaultFor("enforce")).isEqualTo("baseline");
    assertThat(c.defaultFor("enforce-version")).isEqualTo("latest");
    assertThat(c.defaultFor("warn-version")).isEqualTo("v1.30");
    assertThat(c.defaultFor("audit")).isEqualTo("privileged");
    assertThat(c.exemptUsernames()).containsExactly("ci-bot");
    assertThat(c.exemptNamespaces()).containsExactly("kube-system");
    namespace("apps", "");
    create(plugin(c), "alice", PODS, "apps", json(PLAIN));
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith(
            "would violate PodSecurity \"restricted:v1.30\": allowPrivilegeEscalation != false");
    Files.writeString(
        file,
        "kind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n"
            + "    kind: PodSecurityConfiguration\n    defaults: {enforce: strict}\n");
    assertThatThrownBy(() -> PodSecurityConfiguration.read(file))
        .hasMessageContaining("defaults.enforce: Invalid value: \"strict\"");
  }
}

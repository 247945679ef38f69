package io.k8j.apiserver.managedfields;

import static io.k8j.apiserver.managedfields.FieldSetsTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.k8j.apiserver.http.ApiException;
import io.k8j.common.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Server-side apply and update bookkeeping, as upstream's structured-merge-diff behaves. */
class FieldManagerTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FieldManager fm = new FieldManager(clock);
  private final FieldType type = ModelFieldTypes.of(Deployment.class);

  private static FieldManager.Writer writer(String manager) {
    return new FieldManager.Writer(manager, "apps/v1", "", true);
  }

  private static ObjectNode deployment(int replicas, String image, String extraEnv)
      throws Exception {
    return (ObjectNode)
        json(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{'replicas':"
                + replicas
                + ",'template':{'spec':{'containers':[{'name':'web','image':'"
                + image
                + "','env':[{'name':'A','value':'1'}"
                + extraEnv
                + "]}]}}}}");
  }

  private ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force) {
    return fm.apply(live, config, type, writer(manager), force);
  }

  private static JsonNode entry(ObjectNode obj, String manager) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void anApplyOwnsWhatItApplied() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ""), "a", false);
    JsonNode e = entry(obj, "a");
    assertThat(e.path("operation").asText()).isEqualTo("Apply");
    assertThat(e.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(e.path("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(e.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(e.path("fieldsV1"))
        .isEqualTo(
            json(
                "{'f:spec':{'f:replicas':{},'f:template':{'f:spec':{'f:containers':{"
                    + "'k:{~name~:~web~}':{'.':{},'f:env':{'k:{~name~:~A~}':{'.':{},"
                    + "'f:name':{},'f:value':{}}},'f:image':{},'f:name':{}}}}}}}"));
  }

  @Test
  void anotherManagerSettingTheSameValueSharesTheField() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ""), "a", false);
    obj = apply(obj, deployment(1, "nginx", ""), "b", false);
    assertThat(entry(obj, "a")).isNotNull();
    assertThat(entry(obj, "b").path("fieldsV1").path("f:spec").has("f:replicas")).isTrue();
  }

  @Test
  void aDifferentValueConflictsWithTheOwner() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ""), "manager-a", false);
    ObjectNode live = obj;
    assertThatThrownBy(() -> apply(live, deployment(3, "nginx", ""), "manager-b", false))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(409);
              assertThat(e.reason()).isEqualTo("Conflict");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Apply failed with 1 conflict: conflict with \"manager-a\": .spec.replicas");
              JsonNode cause = e.toStatus().path("details").path("causes").get(0);
              assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
              assertThat(cause.path("field").asText()).isEqualTo(".spec.replicas");
              assertThat(cause.path("message").asText()).isEqualTo("conflict with \"manager-a\"");
            });
    assertThatThrownBy(() -> apply(live, deployment(3, "httpd", ""), "manager-b", false))
        .hasMessage(
            "Apply failed with 2 conflicts: conflicts with \"manager-a\":\n"
                + "- .spec.replicas\n"
                + "- .spec.template.spec.containers[name=\"web\"].image");
  }

  @Test
  void anUpdateManagerIsNamedWithItsApiVersion() throws Exception {
    ObjectNode created = deployment(1, "nginx", "");
    fm.recordUpdate(null, created, type, writer("kubectl-create"));
    assertThat(entry(created, "kubectl-create").path("operation").asText()).isEqualTo("Update");
    assertThatThrownBy(() -> apply(created, deployment(2, "nginx", ""), "kubectl", false))
        .hasMessageContaining("conflict with \"kubectl-create\" using apps/v1: .spec.replicas")
        .hasMessageStartingWith("Apply failed with 1 conflict");
  }

  @Test
  void kubectlTakesOverFieldsClientSideApplyLastSetToTheirLiveValues() throws Exception {
    ObjectNode created = deployment(1, "nginx", "");
    ((ObjectNode) created.path("metadata"))
        .putObject("annotations")
        .put(FieldManager.LAST_APPLIED, deployment(1, "nginx", "").toString());
    fm.recordUpdate(null, created, type, writer("kubectl-client-side-apply"));
    ObjectNode applied = apply(created, deployment(2, "nginx", ""), "kubectl", false);
    assertThat(applied.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(
            entry(applied, "kubectl-client-side-apply")
                .path("fieldsV1")
                .path("f:spec")
                .has("f:replicas"))
        .isFalse();

    ObjectNode drifted = created.deepCopy();
    ((ObjectNode) drifted.path("spec")).put("replicas", 5);
    assertThatThrownBy(() -> apply(drifted, deployment(2, "nginx", ""), "kubectl", false))
        .hasMessageContaining("conflict with \"kubectl-client-side-apply\"");
    assertThatThrownBy(() -> apply(created, deployment(2, "nginx", ""), "other", false))
        .hasMessageContaining("conflict with \"kubectl-client-side-apply\"");
  }

  @Test
  void forceTakesTheFieldOver() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ""), "a", false);
    clock.advance(Duration.ofMinutes(1));
    obj = apply(obj, deployment(3, "nginx", ""), "b", true);
    assertThat(obj.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(entry(obj, "a").path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
    assertThat(entry(obj, "b").path("fieldsV1").path("f:spec").has("f:replicas")).isTrue();
    assertThat(entry(obj, "b").path("time").asText()).isEqualTo("2026-01-01T00:01:00Z");
  }

  @Test
  void aFieldNoLongerAppliedIsRemovedUnlessSomeoneElseOwnsIt() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ",{'name':'B','value':'2'}"), "a", false);
    obj = apply(obj, deployment(1, "nginx", ""), "a", false);
    assertThat(obj.at("/spec/template/spec/containers/0/env").size()).isEqualTo(1);

    obj = apply(obj, deployment(1, "nginx", ",{'name':'B','value':'2'}"), "a", false);
    obj = apply(obj, deployment(1, "nginx", ",{'name':'B','value':'2'}"), "b", false);
    obj = apply(obj, deployment(1, "nginx", ""), "a", false);
    assertThat(obj.at("/spec/template/spec/containers/0/env/1/name").asText()).isEqualTo("B");
  }

  @Test
  void anUpdateTakesChangedFieldsFromTheirOwners() throws Exception {
    ObjectNode applied = apply(null, deployment(1, "nginx", ""), "a", false);
    ObjectNode edited = applied.deepCopy();
    ((ObjectNode) edited.path("spec")).put("replicas", 5);
    clock.advance(Duration.ofSeconds(30));
    fm.recordUpdate(applied, edited, type, writer("kubectl-edit"));
    assertThat(entry(edited, "a").path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
    JsonNode edit = entry(edited, "kubectl-edit");
    assertThat(edit.path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
    assertThat(edit.path("time").asText()).isEqualTo("2026-01-01T00:00:30Z");
    assertThat(edited.path("metadata").path("managedFields").get(0).path("operation").asText())
        .isEqualTo("Apply");
  }

  @Test
  void statusIsNotOwnedThroughTheMainResourceAndAnUnchangedUpdateAddsNoEntry() throws Exception {
    ObjectNode obj = deployment(1, "nginx", "");
    obj.putObject("status").put("replicas", 1);
    fm.recordUpdate(null, obj, type, writer("kubectl-create"));
    assertThat(entry(obj, "kubectl-create").path("fieldsV1").has("f:status")).isFalse();
    ObjectNode same = obj.deepCopy();
    fm.recordUpdate(obj, same, type, writer("other"));
    assertThat(entry(same, "other")).isNull();

    ObjectNode status = obj.deepCopy();
    ((ObjectNode) status.path("status")).put("replicas", 2);
    fm.recordUpdate(
        obj, status, type, new FieldManager.Writer("controller", "apps/v1", "status", true));
    JsonNode e = entry(status, "controller");
    assertThat(e.path("subresource").asText()).isEqualTo("status");
    assertThat(e.path("fieldsV1")).isEqualTo(json("{'f:status':{'f:replicas':{}}}"));
  }

  @Test
  void anEmptyManagedFieldsListResetsThem() throws Exception {
    ObjectNode obj = apply(null, deployment(1, "nginx", ""), "a", false);
    ObjectNode reset = obj.deepCopy();
    ((ObjectNode) reset.path("metadata")).putArray("managedFields");
    fm.recordUpdate(obj, reset, type, writer("x"));
    assertThat(reset.path("metadata").has("managedFields")).isFalse();
  }

  @Test
  void appliedListsKeepTheAppliedOrderAndOthersElementsInPlace() throws Exception {
    JsonNode live = json("[{'name':'a'},{'name':'x'},{'name':'b'},{'name':'c'}]");
    JsonNode config = json("[{'name':'c'},{'name':'b'},{'name':'new'}]");
    FieldType containers =
        ModelFieldTypes.of(io.fabric8.kubernetes.api.model.PodSpec.class).field("containers");
    JsonNode merged = ApplyMerge.merge(live, config, containers);
    StringBuilder names = new StringBuilder();
    merged.forEach(n -> names.append(n.path("name").asText()));
    assertThat(names.toString()).isEqualTo("axcbnew");
  }

  @Test
  void moreThanTenUpdateManagersMergeTheOldestIntoAncientChanges() throws Exception {
    ObjectNode obj = deployment(1, "nginx", "");
    ObjectNode live = fm.apply(null, obj, type, writer("applier"), false);
    for (int i = 0; i < 12; i++) {
      clock.advance(Duration.ofSeconds(1));
      ObjectNode next = live.deepCopy();
      ObjectNode labels = labels(live);
      labels.put("l" + i, "v");
      ((ObjectNode) next.path("metadata")).set("labels", labels);
      fm.recordUpdate(live, next, type, writer("updater-" + i));
      live = next;
    }
    java.util.List<String> managers = new java.util.ArrayList<>();
    live.path("metadata")
        .path("managedFields")
        .forEach(e -> managers.add(e.path("manager").asText()));
    assertThat(managers)
        .containsExactlyInAnyOrder(
            "applier",
            "ancient-changes",
            "updater-3",
            "updater-4",
            "updater-5",
            "updater-6",
            "updater-7",
            "updater-8",
            "updater-9",
            "updater-10",
            "updater-11");
    JsonNode ancient = entry(live, "ancient-changes");
    assertThat(ancient.path("operation").asText()).isEqualTo("Update");
    assertThat(ancient.path("time").asText()).isEqualTo("2026-01-01T00:00:03Z");
    assertThat(ancient.path("fieldsV1").path("f:metadata").path("f:labels"))
        .isEqualTo(json("{'.':{},'f:l0':{},'f:l1':{},'f:l2':{}}"));
    assertThat(entry(live, "applier").path("operation").asText()).isEqualTo("Apply");
  }

  private static ObjectNode labels(ObjectNode obj) {
    JsonNode l = obj.path("metadata").path("labels");
    return l.isObject()
        ? (ObjectNode) l.deepCopy()
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
  }
}

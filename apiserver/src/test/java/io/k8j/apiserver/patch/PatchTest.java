package io.k8j.apiserver.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.Json;
import org.junit.jupiter.api.Test;

class PatchTest {
  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s.replace('\'', '"'));
  }

  @Test
  void mergePatchAddsReplacesAndDeletesKeys() throws Exception {
    JsonNode target = json("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'x':[1,2]}}");
    JsonNode patch = json("{'metadata':{'labels':{'a':null,'c':'3'}},'spec':{'x':[3]}}");
    assertThat(MergePatch.apply(target, patch))
        .isEqualTo(json("{'metadata':{'labels':{'b':'2','c':'3'}},'spec':{'x':[3]}}"));
  }

  @Test
  void jsonPatchAppliesOperationsInOrder() throws Exception {
    JsonNode target = json("{'spec':{'template':{'a':1},'list':[1,2]}}");
    JsonNode patch =
        json(
            "[{'op':'replace','path':'/spec/template','value':{'b':2}},"
                + "{'op':'add','path':'/spec/list/-','value':3},"
                + "{'op':'remove','path':'/spec/list/0'},"
                + "{'op':'test','path':'/spec/list/0','value':2}]");
    assertThat(JsonPatch.apply(target, patch))
        .isEqualTo(json("{'spec':{'template':{'b':2},'list':[2,3]}}"));
  }

  @Test
  void jsonPatchOnAMissingPathFails() throws Exception {
    assertThatThrownBy(
            () ->
                JsonPatch.apply(json("{}"), json("[{'op':'replace','path':'/spec/x','value':1}]")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

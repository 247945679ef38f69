package io.k8j.apiserver.managedfields;

import static io.k8j.apiserver.managedfields.FieldSetsTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.common.FakeClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply of custom resources typed by their CRD schema: list-map, set and atomic lists,
 * atomic maps, as upstream's structured-merge-diff treats the CRD's {@code x-kubernetes-*} markers.
 */
class SchemaFieldTypesTest {
  private final FieldManager fm =
      new FieldManager(new FakeClock(Instant.parse("2026-01-01T00:00:00Z")));
  private final FieldType type;

  SchemaFieldTypesTest() throws Exception {
    type =
        SchemaFieldTypes.of(
            json(
                "{'type':'object','properties':{'spec':{'type':'object','properties':{"
                    + "'ports':{'type':'array','x-kubernetes-list-type':'map',"
                    + "'x-kubernetes-list-map-keys':['port','protocol'],"
                    + "'items':{'type':'object','properties':{'port':{'type':'integer'},"
                    + "'protocol':{'type':'string','default':'TCP'},'name':{'type':'string'}}}},"
                    + "'tags':{'type':'array','x-kubernetes-list-type':'set',"
                    + "'items':{'type':'string'}},"
                    + "'args':{'type':'array','items':{'type':'string'}},"
                    + "'selector':{'type':'object','x-kubernetes-map-type':'atomic',"
                    + "'additionalProperties':{'type':'string'}},"
                    + "'labels':{'type':'object','additionalProperties':{'type':'string'}}}}}}"));
  }

  private ObjectNode apply(ObjectNode live, String spec, String manager) throws Exception {
    ObjectNode config =
        (ObjectNode)
            json(
                "{'apiVersion':'x.example.com/v1','kind':'Thing','metadata':{'name':'t'},"
                    + "'spec':"
                    + spec
                    + "}");
    return fm.apply(
        live, config, type, new FieldManager.Writer(manager, "x.example.com/v1", "", false), false);
  }

  private static JsonNode fields(ObjectNode obj, String manager) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e.path("fieldsV1");
      }
    }
    return null;
  }

  @Test
  void listMapElementsAreOwnedByKeyAndTwoManagersKeepTheirOwn() throws Exception {
    ObjectNode obj = apply(null, "{'ports':[{'port':80,'name':'http'}]}", "a");
    obj = apply(obj, "{'ports':[{'port':443,'protocol':'TCP','name':'https'}]}", "b");
    assertThat(obj.path("spec").path("ports"))
        .isEqualTo(
            json("[{'port':80,'name':'http'},{'port':443,'protocol':'TCP','name':'https'}]"));
    assertThat(fields(obj, "a"))
        .isEqualTo(
            json(
                "{'f:spec':{'f:ports':{'k:{~port~:80,~protocol~:~TCP~}':{'.':{},"
                    + "'f:name':{},'f:port':{}}}}}"));
    assertThat(fields(obj, "b").path("f:spec").path("f:ports").fieldNames().next())
        .isEqualTo("k:{\"port\":443,\"protocol\":\"TCP\"}");

    obj = apply(obj, "{}", "a");
    assertThat(obj.path("spec").path("ports"))
        .isEqualTo(json("[{'port':443,'protocol':'TCP','name':'https'}]"));
  }

  @Test
  void setsMergeByValueAtomicListsAndMapsAreReplacedWhole() throws Exception {
    ObjectNode obj =
        apply(null, "{'tags':['x'],'args':['1','2'],'selector':{'a':'1'},'labels':{'a':'1'}}", "a");
    obj = apply(obj, "{'tags':['y'],'labels':{'b':'2'}}", "b");
    assertThat(obj.path("spec").path("tags")).isEqualTo(json("['x','y']"));
    assertThat(obj.path("spec").path("labels")).isEqualTo(json("{'a':'1','b':'2'}"));
    assertThat(fields(obj, "a").path("f:spec"))
        .isEqualTo(
            json("{'f:args':{},'f:labels':{'f:a':{}},'f:selector':{}," + "'f:tags':{'v:~x~':{}}}"));

    obj = apply(obj, "{'tags':['x'],'args':['3'],'selector':{'b':'2'},'labels':{'a':'1'}}", "a");
    assertThat(obj.path("spec").path("args")).isEqualTo(json("['3']"));
    assertThat(obj.path("spec").path("selector")).isEqualTo(json("{'b':'2'}"));
  }
}

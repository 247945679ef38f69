package io.k8j.apiserver.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.k8j.apiserver.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {
  private static final String POD =
      "{'metadata':{'name':'p','labels':{'a':'1'},'finalizers':['x','y']},'spec':{'containers':["
          + "{'name':'app','image':'nginx:1','ports':[{'containerPort':80},{'containerPort':443}],"
          + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
          + "{'name':'side','image':'busybox'}],"
          + "'volumes':[{'name':'v','emptyDir':{}}],'tolerations':[{'key':'t'}]}}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "containers merge by name",
            Pod.class,
            "{'spec':{'containers':[{'name':'app','image':'nginx:2'}]}}",
            "/spec/containers/0/image",
            "'nginx:2'"),
        Arguments.of(
            "other containers are kept",
            Pod.class,
            "{'spec':{'containers':[{'name':'app','image':'nginx:2'}]}}",
            "/spec/containers/1/name",
            "'side'"),
        Arguments.of(
            "a new container is appended",
            Pod.class,
            "{'spec':{'containers':[{'name':'new','image':'x'}]}}",
            "/spec/containers",
            "[{'name':'app','image':'nginx:1','ports':[{'containerPort':80},{'containerPort':443}],"
                + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
                + "{'name':'side','image':'busybox'},{'name':'new','image':'x'}]"),
        Arguments.of(
            "env merges by name and null deletes a field",
            Pod.class,
            "{'spec':{'containers':[{'name':'app','env':[{'name':'B','value':null},"
                + "{'name':'C','value':'3'}]}]}}",
            "/spec/containers/0/env",
            "[{'name':'A','value':'1'},{'name':'B'},{'name':'C','value':'3'}]"),
        Arguments.of(
            "$patch delete removes a list element by key",
            Pod.class,
            "{'spec':{'containers':[{'name':'app','ports':[{'containerPort':80,'$patch':'delete'}]}]}}",
            "/spec/containers/0/ports",
            "[{'containerPort':443}]"),
        Arguments.of(
            "$patch replace in a list replaces the whole list",
            Pod.class,
            "{'spec':{'containers':[{'name':'only','image':'i'},{'$patch':'replace'}]}}",
            "/spec/containers",
            "[{'name':'only','image':'i'}]"),
        Arguments.of(
            "$patch replace on a map replaces the map",
            Pod.class,
            "{'metadata':{'labels':{'b':'2','$patch':'replace'}}}",
            "/metadata/labels",
            "{'b':'2'}"),
        Arguments.of(
            "$patch delete on a map deletes it",
            Pod.class,
            "{'metadata':{'labels':{'$patch':'delete'}}}",
            "/metadata",
            "{'name':'p','finalizers':['x','y']}"),
        Arguments.of(
            "lists without a strategy are replaced",
            Pod.class,
            "{'spec':{'tolerations':[{'key':'u'}]}}",
            "/spec/tolerations",
            "[{'key':'u'}]"),
        Arguments.of(
            "primitive merge lists are a union",
            Pod.class,
            "{'metadata':{'finalizers':['y','z']}}",
            "/metadata/finalizers",
            "['x','y','z']"),
        Arguments.of(
            "$deleteFromPrimitiveList removes values",
            Pod.class,
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['x']}}",
            "/metadata/finalizers",
            "['y']"),
        Arguments.of(
            "$setElementOrder orders merged elements",
            Pod.class,
            "{'spec':{'$setElementOrder/containers':[{'name':'side'},{'name':'app'}],"
                + "'containers':[{'name':'app','image':'nginx:3'}]}}",
            "/spec/containers/0/name",
            "'side'"),
        Arguments.of(
            "$retainKeys clears fields the patch does not keep",
            Deployment.class,
            "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
            "/spec/strategy",
            "{'type':'Recreate'}"),
        Arguments.of(
            "service ports merge by port",
            Service.class,
            "{'spec':{'ports':[{'port':80,'targetPort':8080}]}}",
            "/spec/ports",
            "[{'port':80,'targetPort':8080},{'port':443}]"),
        Arguments.of(
            "deployment template containers merge by name",
            Deployment.class,
            "{'spec':{'template':{'metadata':{'annotations':{'r':'1'}},"
                + "'spec':{'containers':[{'name':'app','image':'nginx:2'}]}}}}",
            "/spec/template/spec/containers",
            "[{'name':'app','image':'nginx:2'},{'name':'side','image':'busybox'}]"),
        Arguments.of(
            "a type without metadata merges as a merge patch",
            null,
            "{'spec':{'containers':[{'name':'app'}]}}",
            "/spec/containers",
            "[{'name':'app'}]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesThePatch(String name, Class<?> type, String patch, String pointer, String expected)
      throws Exception {
    ObjectNode original = (ObjectNode) json(originalFor(type));
    JsonNode result = StrategicMergePatch.apply(original, json(patch), type);
    assertThat(result.at(pointer)).isEqualTo(json(expected));
    assertThat(original).isEqualTo(json(originalFor(type)));
  }

  @org.junit.jupiter.api.Test
  void aMergeListElementWithoutItsKeyIsRejected() throws Exception {
    assertThatThrownBy(
            () ->
                StrategicMergePatch.apply(
                    (ObjectNode) json(POD),
                    json("{'spec':{'containers':[{'image':'x'}]}}"),
                    Pod.class))
        .hasMessageContaining("does not contain declared merge key: name");
  }

  /**
   * $setElementOrder with elements the patch does not name (server-only ones, such as an injected
   * sidecar): upstream's normalizeElementOrder sorts the named elements by the directive and puts
   * each server-only element back between them where it stood in the live list.
   */
  static Stream<Arguments> orderCases() {
    return Stream.of(
        Arguments.of(
            "a server-only element stays between the ones it stood between",
            "['a','b','c']",
            "['a','c']",
            "['a','b','c']"),
        Arguments.of(
            "a server-only element keeps its place before a reordered one",
            "['a','b','c']",
            "['c','a']",
            "['b','c','a']"),
        Arguments.of(
            "server-only elements keep their relative order",
            "['a','b','c','d','e']",
            "['e','c','a']",
            "['b','d','e','c','a']"),
        Arguments.of(
            "an element the patch adds goes where the directive puts it",
            "['a','s','b']",
            "['a','x','b']",
            "['a','x','s','b']"),
        Arguments.of(
            "a server-only element first in the live list stays first",
            "['s','a','b']",
            "['b','a']",
            "['s','b','a']"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("orderCases")
  void setElementOrderPlacesServerOnlyElementsAsUpstream(
      String name, String live, String order, String expected) throws Exception {
    ObjectNode pod = (ObjectNode) json("{'spec':{'containers':" + containers(live) + "}}");
    String added = order.contains("'x'") ? "[{'name':'x','image':'new'}]" : "[]";
    JsonNode patch =
        json(
            "{'spec':{'$setElementOrder/containers':"
                + containers(order).replace(",'image':'i'", "")
                + ",'containers':"
                + added
                + "}}");
    JsonNode result = StrategicMergePatch.apply(pod, patch, Pod.class);
    StringBuilder names = new StringBuilder("[");
    result.at("/spec/containers").forEach(c -> names.append("'" + c.path("name").asText() + "',"));
    assertThat(names.substring(0, names.length() - 1) + "]").isEqualTo(expected);

    ObjectNode meta = (ObjectNode) json("{'metadata':{'finalizers':" + live + "}}");
    JsonNode primitive =
        StrategicMergePatch.apply(
            meta,
            json(
                "{'metadata':{'$setElementOrder/finalizers':"
                    + order
                    + ",'finalizers':"
                    + (order.contains("'x'") ? "['x']" : "[]")
                    + "}}"),
            Pod.class);
    assertThat(primitive.at("/metadata/finalizers")).isEqualTo(json(expected));
  }

  private static String containers(String names) {
    return names.replaceAll("'(\\w)'", "{'name':'$1','image':'i'}");
  }

  private static String originalFor(Class<?> type) {
    if (type == Service.class) {
      return "{'spec':{'ports':[{'port':80,'targetPort':80},{'port':443}]}}";
    }
    if (type == Deployment.class) {
      return "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},"
          + "'template':{'spec':{'containers':[{'name':'app','image':'nginx:1'},"
          + "{'name':'side','image':'busybox'}]}}}}";
    }
    return POD;
  }

  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s.replace('\'', '"'));
  }
}

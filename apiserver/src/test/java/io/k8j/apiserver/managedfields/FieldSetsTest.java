package io.k8j.apiserver.managedfields;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.k8j.apiserver.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The field sets of values in upstream's FieldsV1 spelling, as structured-merge-diff computes them
 * for an applied configuration ({@code ToFieldSet}) and for an update ({@code Compare}).
 */
class FieldSetsTest {
  static Stream<Arguments> appliedSets() {
    return Stream.of(
        Arguments.of(
            "scalars and map entries are leaves; structs only hold them",
            ConfigMap.class,
            "{'metadata':{'labels':{'app':'a'}},'data':{'k':'v'}}",
            "{'f:data':{'f:k':{}},'f:metadata':{'f:labels':{'f:app':{}}}}"),
        Arguments.of(
            "associative list elements are k: with their keys, and members themselves",
            Deployment.class,
            "{'spec':{'replicas':2,'template':{'spec':{'containers':[{'name':'web',"
                + "'image':'nginx'}]}}}}",
            "{'f:spec':{'f:replicas':{},'f:template':{'f:spec':{'f:containers':{"
                + "'k:{~name~:~web~}':{'.':{},'f:image':{},'f:name':{}}}}}}}"),
        Arguments.of(
            "container ports are keyed by port and protocol, the protocol defaulting to TCP",
            Pod.class,
            "{'spec':{'containers':[{'name':'c','ports':[{'containerPort':80}]}]}}",
            "{'f:spec':{'f:containers':{'k:{~name~:~c~}':{'.':{},'f:name':{},"
                + "'f:ports':{'k:{~containerPort~:80,~protocol~:~TCP~}':{'.':{},"
                + "'f:containerPort':{}}}}}}}"),
        Arguments.of(
            "finalizers are a set of v: values",
            Pod.class,
            "{'metadata':{'finalizers':['a/b']}}",
            "{'f:metadata':{'f:finalizers':{'v:~a/b~':{}}}}"),
        Arguments.of(
            "lists without a merge key and label selectors are atomic",
            Deployment.class,
            "{'spec':{'selector':{'matchLabels':{'app':'a'}},'template':{'spec':{"
                + "'tolerations':[{'key':'k'}],'containers':[{'name':'c','args':['x']}]}}}}",
            "{'f:spec':{'f:selector':{},'f:template':{'f:spec':{'f:containers':{"
                + "'k:{~name~:~c~}':{'.':{},'f:args':{},'f:name':{}}},'f:tolerations':{}}}}}"),
        Arguments.of(
            "service ports are keyed by port and protocol",
            Service.class,
            "{'spec':{'ports':[{'port':80,'protocol':'UDP'}]}}",
            "{'f:spec':{'f:ports':{'k:{~port~:80,~protocol~:~UDP~}':{'.':{},"
                + "'f:port':{},'f:protocol':{}}}}}"),
        Arguments.of(
            "without a schema, every object entry is a member",
            null,
            "{'spec':{'size':3,'list':[1,2]}}",
            "{'f:spec':{'.':{},'f:list':{},'f:size':{}}}"),
        Arguments.of(
            "an empty object is a member",
            Pod.class,
            "{'spec':{'containers':[{'name':'c','resources':{}}]}}",
            "{'f:spec':{'f:containers':{'k:{~name~:~c~}':{'.':{},'f:name':{},"
                + "'f:resources':{}}}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appliedSets")
  void appliedConfigurationSets(String name, Class<?> type, String value, String expected)
      throws Exception {
    FieldSet set = FieldSets.of(json(value), ModelFieldTypes.of(type));
    assertThat(set.toFieldsV1()).isEqualTo(json(expected));
    assertThat(FieldSet.fromFieldsV1(set.toFieldsV1())).isEqualTo(set);
  }

  @Test
  void aCreateAddsTheFieldsAndTheObjectsItCreated() throws Exception {
    // kubectl create deployment: maps and list elements that did not exist get ".", the structs
    // Go holds by value (spec, strategy, template and its metadata and spec) do not.
    JsonNode created =
        json(
            "{'metadata':{'labels':{'app':'web'}},'spec':{'replicas':1,"
                + "'selector':{'matchLabels':{'app':'web'}},"
                + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%'}},"
                + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':["
                + "{'name':'nginx','image':'nginx','resources':{}}],'securityContext':{}}}}}");
    FieldSets.Comparison c = FieldSets.compare(null, created, ModelFieldTypes.of(Deployment.class));
    assertThat(c.changed().toFieldsV1())
        .isEqualTo(
            json(
                "{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:replicas':{},"
                    + "'f:selector':{},'f:strategy':{'f:rollingUpdate':{'.':{},'f:maxSurge':{}},"
                    + "'f:type':{}},'f:template':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},"
                    + "'f:spec':{'f:containers':{'k:{~name~:~nginx~}':{'.':{},'f:image':{},"
                    + "'f:name':{},'f:resources':{}}},'f:securityContext':{}}}}}"));
    assertThat(c.removed().isEmpty()).isTrue();
  }

  @Test
  void anUpdateSeparatesAddedModifiedAndRemovedFields() throws Exception {
    FieldSets.Comparison c =
        FieldSets.compare(
            json("{'metadata':{'labels':{'a':'1','b':'2'}},'data':{'k':'v'}}"),
            json("{'metadata':{'labels':{'a':'9'}},'data':{'k':'v','n':'new'}}"),
            ModelFieldTypes.of(ConfigMap.class));
    assertThat(c.modified().toFieldsV1()).isEqualTo(json("{'f:metadata':{'f:labels':{'f:a':{}}}}"));
    assertThat(c.removed().toFieldsV1()).isEqualTo(json("{'f:metadata':{'f:labels':{'f:b':{}}}}"));
    assertThat(c.added().toFieldsV1()).isEqualTo(json("{'f:data':{'f:n':{}}}"));
  }

  @Test
  void pathsPrintAsUpstreamConflictsDo() {
    assertThat(FieldSet.describe(List.of("f:spec", "f:replicas"))).isEqualTo(".spec.replicas");
    assertThat(
            FieldSet.describe(List.of("f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image")))
        .isEqualTo(".spec.containers[name=\"web\"].image");
    assertThat(FieldSet.describe(List.of("f:metadata", "f:finalizers", "v:\"x\"")))
        .isEqualTo(".metadata.finalizers[=\"x\"]");
  }

  @Test
  void setOperationsWorkOnMembers() throws Exception {
    FieldSet a =
        FieldSet.fromFieldsV1(json("{'f:spec':{'f:replicas':{},'f:paused':{}},'f:data':{}}"));
    FieldSet b = FieldSet.fromFieldsV1(json("{'f:spec':{'f:replicas':{}}}"));
    assertThat(a.difference(b).toFieldsV1())
        .isEqualTo(json("{'f:data':{},'f:spec':{'f:paused':{}}}"));
    assertThat(a.intersection(b)).isEqualTo(b);
    assertThat(b.union(a)).isEqualTo(a);
    assertThat(a.without("f:spec").toFieldsV1()).isEqualTo(json("{'f:data':{}}"));
  }

  static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s.replace('\'', '"').replace("~", "\\\""));
  }
}

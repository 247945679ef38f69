package io.k8j.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.Resources;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ModelSchemasTest {
  /**
   * Every type reachable from a served kind is a bean with fields, a value, or a type taken as it
   * comes; a type with no fields would make every key of its values an "unknown field".
   */
  @Test
  void everyTypeOfEveryServedKindCanBeChecked() {
    ModelSchemas schemas = new ModelSchemas();
    Set<Class<?>> seen = new HashSet<>();
    Set<String> unchecked = new TreeSet<>();
    Deque<JavaType> todo = new ArrayDeque<>();
    for (ResourceDef d : Resources.all(new ServiceAllocator("10.43.0.0/16"))) {
      todo.add(Json.MAPPER.constructType(d.modelType()));
    }
    while (!todo.isEmpty()) {
      JavaType t = todo.pop();
      while (t.isCollectionLikeType() || t.isArrayType() || t.isMapLikeType()) {
        t = t.getContentType();
      }
      Class<?> c = t.getRawClass();
      if (!seen.add(c) || ModelSchemas.opaque(t) || ModelSchemas.leaf(t)) {
        continue;
      }
      Map<String, JavaType> props = schemas.propertiesOf(t);
      if (props.isEmpty()) {
        unchecked.add(c.getName());
      }
      todo.addAll(props.values());
    }
    assertThat(unchecked).isEmpty();
  }

  @Test
  void managedFieldsAndTimestampsPassStrictChecks() throws Exception {
    var pod =
        Json.MAPPER.readTree(
            "{\"metadata\":{\"name\":\"p\",\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{}}},\"time\":\"2026-01-01T00:00:00Z\"}]}}");
    ModelSchemas.Result r =
        new ModelSchemas().check(io.fabric8.kubernetes.api.model.Pod.class, pod);
    assertThat(r.unknownFields()).isEmpty();
    assertThat(r.typeError()).isNull();
  }

  @Test
  void crdSchemasWithArrayItemsHaveNoUnknownFieldsAndKeepThemWhenPruned() throws Exception {
    var crd =
        Json.MAPPER.readTree(
            "{\"spec\":{\"versions\":[{\"name\":\"v1\",\"schema\":{\"openAPIV3Schema\":"
                + "{\"type\":\"object\",\"properties\":{\"list\":{\"type\":\"array\","
                + "\"x-kubernetes-list-type\":\"map\",\"x-kubernetes-list-map-keys\":[\"name\"],"
                + "\"items\":{\"type\":\"object\",\"required\":[\"name\"],"
                + "\"properties\":{\"name\":{\"type\":\"string\"}}}}}}}}]}}");
    Class<?> type = io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class;
    ModelSchemas schemas = new ModelSchemas();
    assertThat(schemas.check(type, crd).unknownFields()).isEmpty();
    var pruned = crd.deepCopy();
    schemas.prune(type, pruned);
    assertThat(pruned).isEqualTo(crd);
  }
}

package io.k8j.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.Resources;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceRegistry;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAPI v3 documents kubectl explain and kubectl's validation read. */
class OpenApiV3Test {
  private final ResourceRegistry registry =
      new ResourceRegistry(Resources.all(new ServiceAllocator("10.96.0.0/12")));
  private final OpenApiV3 openApi =
      new OpenApiV3(registry, new ComponentSchemas(new ModelSchemas(), ModelDocs.load()));

  private JsonNode schema(String group, String version, String name) {
    return openApi.groupVersion(group, version).path("components").path("schemas").path(name);
  }

  @Test
  void theBuildExtractedUpstreamsDocumentation() {
    assertThat(ModelDocs.load().size()).isGreaterThan(500);
  }

  @Test
  void kindsCarryUpstreamsDescriptionsAndTheirGroupVersionKind() {
    JsonNode deployment = schema("apps", "v1", "io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.path("description").asText())
        .isEqualTo("Deployment enables declarative updates for Pods and ReplicaSets.");
    assertThat(deployment.path("x-kubernetes-group-version-kind"))
        .containsExactly(
            Json.object().put("group", "apps").put("version", "v1").put("kind", "Deployment"));
    JsonNode strategy = schema("apps", "v1", "io.k8s.api.apps.v1.DeploymentStrategy");
    assertThat(strategy.path("description").asText())
        .isEqualTo("DeploymentStrategy describes how to replace existing pods with new ones.");
    assertThat(strategy.path("properties").path("type").path("description").asText())
        .isEqualTo(
            "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is"
                + " RollingUpdate.");
    JsonNode spec = schema("apps", "v1", "io.k8s.api.apps.v1.DeploymentSpec");
    assertThat(spec.path("properties").path("strategy").path("description").asText())
        .as("a field of another kind's type, described by upstream's protobuf comments")
        .isEqualTo("The deployment strategy to use to replace existing pods with new ones.");
    assertThat(spec.path("properties").path("strategy").path("allOf").get(0).path("$ref").asText())
        .endsWith("io.k8s.api.apps.v1.DeploymentStrategy");
    assertThat(spec.path("required")).extracting(JsonNode::asText).contains("selector", "template");
    assertThat(
            spec.path("properties").path("strategy").path("x-kubernetes-patch-strategy").asText())
        .isEqualTo("retainKeys");
  }

  @Test
  void listsCarryTheirMergeKeysAndFormatsTheirStrings() {
    JsonNode podSpec = schema("", "v1", "io.k8s.api.core.v1.PodSpec");
    JsonNode containers = podSpec.path("properties").path("containers");
    assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(containers.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
    assertThat(containers.path("x-kubernetes-list-type").asText()).isEqualTo("map");
    assertThat(containers.path("x-kubernetes-list-map-keys"))
        .extracting(JsonNode::asText)
        .containsExactly("name");
    assertThat(containers.path("items").path("$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
    JsonNode port = schema("", "v1", "io.k8s.api.core.v1.ContainerPort");
    assertThat(port.path("required")).extracting(JsonNode::asText).containsExactly("containerPort");
    assertThat(port.path("properties").path("containerPort").path("format").asText())
        .isEqualTo("int32");
    JsonNode meta = schema("", "v1", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(
            meta.path("properties")
                .path("creationTimestamp")
                .path("allOf")
                .get(0)
                .path("$ref")
                .asText())
        .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    assertThat(
            schema("", "v1", "io.k8s.apimachinery.pkg.apis.meta.v1.Time").path("format").asText())
        .isEqualTo("date-time");
    JsonNode probe = schema("", "v1", "io.k8s.api.core.v1.HTTPGetAction");
    assertThat(probe.path("properties").path("port").toString()).contains("IntOrString");
    assertThat(
            schema("", "v1", "io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                .path("format")
                .asText())
        .isEqualTo("int-or-string");
  }

  @Test
  void patchOperationsTakeFieldValidationSoKubectlValidatesServerSide() {
    JsonNode patch =
        openApi
            .groupVersion("apps", "v1")
            .path("paths")
            .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
            .path("patch");
    assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
    assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText())
        .isEqualTo("Deployment");
  }

  @Test
  void theRootNamesEachDocumentByTheHashOfItsContentWhichChangesWithTheServedResources() {
    ObjectNode root = openApi.root();
    String url = root.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
    assertThat(openApi.root()).isEqualTo(root);
    assertThat(root.path("paths").has("apis/stable.example.com/v1")).isFalse();

    ObjectNode schema = Json.object().put("type", "object").put("description", "A CronTab.");
    registry.replace(
        "crontabs.stable.example.com",
        List.of(
            ResourceDef.builder("stable.example.com", "v1", "CronTab", "crontabs")
                .openApiSchema(schema)
                .build()));
    JsonNode cr = schema("stable.example.com", "v1", "com.example.stable.v1.CronTab");
    assertThat(cr.path("description").asText()).isEqualTo("A CronTab.");
    assertThat(cr.path("properties").path("metadata").path("$ref").asText())
        .endsWith("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(openApi.root().path("paths").has("apis/stable.example.com/v1")).isTrue();
    registry.replace("crontabs.stable.example.com", List.of());
    assertThat(openApi.groupVersion("stable.example.com", "v1")).isNull();
  }

  @Test
  void theV2DocumentHasEveryDefinitionWithDefinitionsReferences() {
    ObjectNode v2 = new OpenApiV2(openApi).document();
    assertThat(v2.path("swagger").asText()).isEqualTo("2.0");
    JsonNode containers =
        v2.path("definitions")
            .path("io.k8s.api.core.v1.PodSpec")
            .path("properties")
            .path("containers");
    assertThat(containers.path("items").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
  }
}

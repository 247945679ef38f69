package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.k8j.apiserver.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Upstream's API documentation of each type (its description, its fields' descriptions, its
 * required fields and the formats of its string fields), keyed by the Kubernetes Java client's type
 * name ({@code V1DeploymentSpec}, {@code CoreV1EndpointPort}). The build extracts it into a
 * resource with {@link DescriptionExtractor}; without that resource every lookup finds nothing.
 */
public final class ModelDocs {
  static final String RESOURCE = "/openapi/descriptions.json";

  private final JsonNode types;
  private final JsonNode protoFields;

  private ModelDocs(JsonNode types, JsonNode protoFields) {
    this.types = types;
    this.protoFields = protoFields;
  }

  /** The documentation the build extracted. */
  public static ModelDocs load() {
    try (InputStream in = ModelDocs.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new ModelDocs(MissingNode.getInstance(), MissingNode.getInstance());
      }
      JsonNode root = Json.MAPPER.readTree(in);
      return new ModelDocs(root.path("types"), root.path("protoFields"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The documentation of a type: the first of the client's names that is known, else a missing
   * node.
   */
  public JsonNode type(String... clientNames) {
    for (String n : clientNames) {
      JsonNode t = types.path(n);
      if (!t.isMissingNode()) {
        return t;
      }
    }
    return MissingNode.getInstance();
  }

  /**
   * The description of a field from upstream's protobuf definitions, by the upstream definition
   * name of its type ({@code io.k8s.api.apps.v1.DeploymentSpec}); empty when unknown.
   */
  public String protoField(String definition, String field) {
    return protoFields.path(definition).path(field).asText("");
  }

  /** How many types are documented. */
  public int size() {
    return types.size();
  }
}

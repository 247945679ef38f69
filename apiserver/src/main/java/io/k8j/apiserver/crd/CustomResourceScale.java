package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.HttpExchange;
import io.k8j.apiserver.http.Negotiation;
import io.k8j.apiserver.http.RequestInfo;
import io.k8j.apiserver.http.ScaleSubresource;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code scale} subresource of a custom resource: an {@code autoscaling/v1} Scale read from and
 * written to the paths the CRD's {@code subresources.scale} names ({@code specReplicasPath}, {@code
 * statusReplicasPath}, {@code labelSelectorPath}), read from the CRD at each request.
 */
public final class CustomResourceScale {
  private final Supplier<ServedResource> crds;
  private final ScaleSubresource scale = new ScaleSubresource();

  public CustomResourceScale(Supplier<ServedResource> crds) {
    this.crds = crds;
  }

  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name) {
    scale.handle(ex, info, choice, r, ns, name, new PathView(scalePaths(r.def())));
  }

  private JsonNode scalePaths(ResourceDef def) {
    ObjectNode crd = crds.get().store().get(null, def.plural() + "." + def.group());
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(def.version())) {
        return v.path("subresources").path("scale");
      }
    }
    return Json.object();
  }

  /** The Scale of a custom resource, through the CRD's paths. */
  private record PathView(JsonNode paths) implements ScaleSubresource.View {
    @Override
    public ObjectNode scale(ObjectNode obj) {
      String statusPath = paths.path("statusReplicasPath").asText("");
      String selectorPath = paths.path("labelSelectorPath").asText("");
      JsonNode selector = selectorPath.isEmpty() ? null : JsonPath.parse(selectorPath).read(obj);
      return ScaleSubresource.scale(
          obj,
          JsonPath.parse(specPath()).read(obj).asInt(0),
          statusPath.isEmpty() ? 0 : JsonPath.parse(statusPath).read(obj).asInt(0),
          selector != null && selector.isTextual() ? selector.asText() : null);
    }

    @Override
    public void setReplicas(ObjectNode obj, int replicas) {
      List<String> fields = JsonPath.parse(specPath()).fields();
      if (fields == null || fields.isEmpty()) {
        return;
      }
      ObjectNode n = obj;
      for (String f : fields.subList(0, fields.size() - 1)) {
        n = Json.child(n, f);
      }
      n.put(fields.getLast(), replicas);
    }

    private String specPath() {
      return paths.path("specReplicasPath").asText(".spec.replicas");
    }
  }
}

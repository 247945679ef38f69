package io.k8j.apiserver.registry.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.Converter;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * HorizontalPodAutoscalers in autoscaling/v2 (the stored version, listed first so preferred) and
 * autoscaling/v1, whose targetCPUUtilizationPercentage is the v2 CPU utilization metric.
 */
public final class HorizontalPodAutoscalers {
  private HorizontalPodAutoscalers() {}

  public static List<ResourceDef> definitions() {
    return List.of(
        builder("v2", io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
            .column(Column.string("Targets", HorizontalPodAutoscalers::targetsV2))
            .column(
                Column.string("MinPods", o -> o.path("spec").path("minReplicas").asText("<unset>")))
            .column(Column.integer("MaxPods", o -> o.path("spec").path("maxReplicas").asLong(0)))
            .column(
                Column.integer("Replicas", o -> o.path("status").path("currentReplicas").asLong(0)))
            .build(),
        builder("v1", io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class)
            .column(
                Column.string(
                    "Targets",
                    o -> {
                      JsonNode cur = o.path("status").path("currentCPUUtilizationPercentage");
                      String have = cur.isNumber() ? cur.asText() + "%" : "<unknown>";
                      JsonNode target = o.path("spec").path("targetCPUUtilizationPercentage");
                      return target.isNumber()
                          ? "cpu: " + have + "/" + target.asText() + "%"
                          : "<none>";
                    }))
            .column(
                Column.string("MinPods", o -> o.path("spec").path("minReplicas").asText("<unset>")))
            .column(Column.integer("MaxPods", o -> o.path("spec").path("maxReplicas").asLong(0)))
            .column(
                Column.integer("Replicas", o -> o.path("status").path("currentReplicas").asLong(0)))
            .converter(new V1Converter())
            .build());
  }

  private static ResourceDef.Builder builder(String version, Class<?> model) {
    return ResourceDef.builder(
            "autoscaling", version, "HorizontalPodAutoscaler", "horizontalpodautoscalers")
        .shortNames("hpa")
        .categories("all")
        .withStatus()
        .storage("horizontalpodautoscalers")
        .column(
            Column.string(
                "Reference",
                o ->
                    o.path("spec").path("scaleTargetRef").path("kind").asText("")
                        + "/"
                        + o.path("spec").path("scaleTargetRef").path("name").asText("")))
        .strategy(new HpaStrategy(version))
        .model(model);
  }

  private static String targetsV2(ObjectNode o) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonNode m : o.path("spec").path("metrics")) {
      if (m.path("type").asText().equals("Resource")) {
        JsonNode t = m.path("resource").path("target");
        JsonNode cur =
            o.path("status").path("currentMetrics").path(i).path("resource").path("current");
        String have =
            cur.has("averageUtilization")
                ? cur.path("averageUtilization").asText() + "%"
                : "<unknown>";
        String want =
            t.has("averageUtilization")
                ? t.path("averageUtilization").asText() + "%"
                : t.path("averageValue").asText();
        out.add(m.path("resource").path("name").asText() + ": " + have + "/" + want);
      } else {
        out.add("<unknown>/<unknown>");
      }
      i++;
    }
    return out.isEmpty() ? "<none>" : String.join(", ", out);
  }

  /** Defaults (minReplicas 1, CPU 80% for v2 without metrics) and validation of either version. */
  static final class HpaStrategy implements Strategy {
    private final String version;

    HpaStrategy(String version) {
      this.version = version;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
      obj.remove("status");
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Json.child(obj, "spec");
      if (!spec.has("minReplicas")) {
        spec.put("minReplicas", 1);
      }
      if (version.equals("v2") && spec.path("metrics").isEmpty()) {
        spec.set("metrics", cpuMetric(80));
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = obj.path("spec");
      if (spec.path("scaleTargetRef").path("kind").asText("").isEmpty()) {
        errs.add(FieldError.required("spec.scaleTargetRef.kind", ""));
      }
      if (spec.path("scaleTargetRef").path("name").asText("").isEmpty()) {
        errs.add(FieldError.required("spec.scaleTargetRef.name", ""));
      }
      long min = spec.path("minReplicas").asLong(1);
      long max = spec.path("maxReplicas").asLong(0);
      if (min < 1) {
        errs.add(FieldError.invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
      }
      if (max < 1) {
        errs.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than 0"));
      } else if (max < min) {
        errs.add(
            FieldError.invalid(
                "spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
      }
      return errs;
    }
  }

  static ArrayNode cpuMetric(int percent) {
    ArrayNode metrics = Json.object().arrayNode();
    ObjectNode res =
        metrics.addObject().put("type", "Resource").putObject("resource").put("name", "cpu");
    res.putObject("target").put("type", "Utilization").put("averageUtilization", percent);
    return metrics;
  }

  /** autoscaling/v1 over the stored autoscaling/v2 objects. */
  static final class V1Converter implements Converter {
    @Override
    public ObjectNode toStorage(ObjectNode v1) {
      ObjectNode v2 = v1.deepCopy();
      v2.put("apiVersion", "autoscaling/v2");
      ObjectNode spec = Json.child(v2, "spec");
      JsonNode target = spec.remove("targetCPUUtilizationPercentage");
      if (target != null && target.isNumber()) {
        spec.set("metrics", cpuMetric(target.asInt()));
      }
      if (v2.get("status") instanceof ObjectNode status) {
        JsonNode cur = status.remove("currentCPUUtilizationPercentage");
        if (cur != null && cur.isNumber()) {
          ObjectNode r =
              status
                  .putArray("currentMetrics")
                  .addObject()
                  .put("type", "Resource")
                  .putObject("resource")
                  .put("name", "cpu");
          r.putObject("current").put("averageUtilization", cur.asInt());
        }
      }
      return v2;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode v2) {
      ObjectNode v1 = v2.deepCopy();
      v1.put("apiVersion", "autoscaling/v1");
      ObjectNode spec = Json.child(v1, "spec");
      JsonNode metrics = spec.remove("metrics");
      spec.remove("behavior");
      if (metrics != null) {
        for (JsonNode m : metrics) {
          JsonNode t = m.path("resource").path("target");
          if (m.path("resource").path("name").asText().equals("cpu")
              && t.has("averageUtilization")) {
            spec.put("targetCPUUtilizationPercentage", t.path("averageUtilization").asInt());
          }
        }
      }
      if (v1.get("status") instanceof ObjectNode status) {
        JsonNode cur = status.remove("currentMetrics");
        status.remove("conditions");
        if (cur != null) {
          for (JsonNode m : cur) {
            JsonNode c = m.path("resource").path("current");
            if (m.path("resource").path("name").asText().equals("cpu")
                && c.has("averageUtilization")) {
              status.put("currentCPUUtilizationPercentage", c.path("averageUtilization").asInt());
            }
          }
        }
      }
      return v1;
    }
  }
}

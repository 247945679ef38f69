package io.k8j.apiserver.registry.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * scheduling.k8s.io/v1 PriorityClass, cluster-scoped, as upstream's registry: {@code
 * preemptionPolicy} defaults to PreemptLowerPriority, {@code value} and {@code preemptionPolicy}
 * cannot change, names starting with {@code system-} are reserved for the built-in classes, and a
 * user-defined value may not exceed one billion. The built-in classes are created at start.
 */
public final class PriorityClasses {
  private static final Logger LOG = LoggerFactory.getLogger(PriorityClasses.class);

  public static final String GROUP = "scheduling.k8s.io";
  public static final String PLURAL = "priorityclasses";
  public static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";
  public static final String NEVER = "Never";

  /** Upstream's {@code HighestUserDefinablePriority}. */
  public static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;

  static final String SYSTEM_PREFIX = "system-";

  /** The built-in classes and their values, as upstream's {@code SystemPriorityClasses}. */
  public static final Map<String, Long> SYSTEM_CLASSES =
      Map.of(
          "system-node-critical", 2_000_001_000L,
          "system-cluster-critical", 2_000_000_000L);

  private PriorityClasses() {}

  public static List<ResourceDef> definitions() {
    return List.of(priorityClasses());
  }

  static ResourceDef priorityClasses() {
    return ResourceDef.builder(GROUP, "v1", "PriorityClass", PLURAL)
        .clusterScoped()
        .shortNames("pc")
        .column(Column.integer("Value", o -> o.path("value").asLong(0)))
        .column(
            new Column(
                "Global-Default",
                "boolean",
                "",
                "Global-Default",
                0,
                o -> o.path("globalDefault").asBoolean(false)))
        .ageColumn()
        .column(Column.string("PreemptionPolicy", o -> o.path("preemptionPolicy").asText("")))
        .strategy(
            new Strategy() {
              @Override
              public boolean tracksGeneration() {
                return false;
              }

              @Override
              public void applyDefaults(ObjectNode obj) {
                if (!obj.hasNonNull("preemptionPolicy")) {
                  obj.put("preemptionPolicy", PREEMPT_LOWER_PRIORITY);
                }
              }

              @Override
              public List<FieldError> validate(ObjectNode obj) {
                return PriorityClasses.validate(obj);
              }

              @Override
              public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
                List<FieldError> errs = new ArrayList<>(PriorityClasses.validate(obj));
                if (obj.path("value").asLong(0) != old.path("value").asLong(0)) {
                  errs.add(FieldError.forbidden("value", "may not be changed in an update."));
                }
                if (!obj.path("preemptionPolicy").equals(old.path("preemptionPolicy"))) {
                  errs.add(
                      FieldError.forbidden("preemptionPolicy", "may not be changed in an update."));
                }
                return errs;
              }
            })
        .model(PriorityClass.class)
        .build();
  }

  /** Upstream's {@code ValidatePriorityClass}. */
  static List<FieldError> validate(ObjectNode obj) {
    List<FieldError> errs = new ArrayList<>();
    String name = obj.path("metadata").path("name").asText("");
    JsonNode value = obj.path("value");
    if (!value.isMissingNode() && !value.isNull() && !value.canConvertToInt()) {
      errs.add(FieldError.invalid("value", value.asText(), "must be a 32-bit integer"));
    }
    long v = value.asLong(0);
    if (name.startsWith(SYSTEM_PREFIX)) {
      String why = systemClassError(name, v);
      if (why != null) {
        errs.add(
            FieldError.forbidden(
                "metadata.name",
                "priority class names with '"
                    + SYSTEM_PREFIX
                    + "' prefix are reserved for system use only. error: "
                    + why));
      }
    } else if (v > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.add(
          FieldError.forbidden(
              "value",
              "maximum allowed value of a user defined priority is "
                  + HIGHEST_USER_DEFINABLE_PRIORITY));
    }
    JsonNode policy = obj.path("preemptionPolicy");
    if (policy.isTextual()
        && !policy.asText().equals(PREEMPT_LOWER_PRIORITY)
        && !policy.asText().equals(NEVER)) {
      errs.add(
          FieldError.notSupported(
              "preemptionPolicy", policy.asText(), List.of(PREEMPT_LOWER_PRIORITY, NEVER)));
    }
    return errs;
  }

  /** Upstream's {@code IsKnownSystemPriorityClass}: null when it is one, else why not. */
  private static String systemClassError(String name, long value) {
    Long wanted = SYSTEM_CLASSES.get(name);
    if (wanted == null) {
      return name + " is not a known system priority class";
    }
    if (wanted != value) {
      return "value of " + name + " PriorityClass must be " + wanted;
    }
    return null;
  }

  /**
   * Creates the built-in classes that are missing: at every start, as upstream's post-start hook.
   */
  public static void ensureBuiltIns(ResourceStore store) {
    for (var e : SYSTEM_CLASSES.entrySet()) {
      ObjectNode pc = Json.object();
      pc.put("apiVersion", GROUP + "/v1").put("kind", "PriorityClass");
      pc.putObject("metadata").put("name", e.getKey());
      pc.put("value", e.getValue());
      pc.put(
          "description",
          e.getKey().equals("system-node-critical")
              ? "Used for system critical pods that must not be moved from their current node."
              : "Used for system critical pods that must run in the cluster, but can be moved to"
                  + " another node if necessary.");
      try {
        store.create("", pc, false);
        LOG.info("created PriorityClass {}", e.getKey());
      } catch (ApiException ex) {
        if (ex.code() != 409) {
          throw ex;
        }
      }
    }
  }
}

package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.common.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code customresourcedefinitions} resource of {@code apiextensions.k8s.io/v1}: its
 * declaration and its strategy, which defaults and validates a CRD as upstream does, accepts its
 * names and marks it Established (this server serves a CRD's resources as soon as it is stored),
 * and adds the {@code customresourcecleanup.apiextensions.k8s.io} finalizer, under which {@link
 * CrdController} deletes the custom resources before the CRD goes.
 */
public final class CustomResourceDefinitions {
  public static final String GROUP = "apiextensions.k8s.io";
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private CustomResourceDefinitions() {}

  public static ResourceDef definition(Clock clock) {
    return ResourceDef.builder(GROUP, "v1", "CustomResourceDefinition", "customresourcedefinitions")
        .clusterScoped()
        .shortNames("crd", "crds")
        .categories("api-extensions")
        .withStatus()
        .exactColumns(
            Column.nameColumn(),
            new Column(
                "Created At",
                "date",
                "",
                "Created At",
                0,
                o -> o.path("metadata").path("creationTimestamp").asText("")))
        .model(CustomResourceDefinition.class)
        .strategy(new CrdStrategy(clock))
        .build();
  }

  /** The served version that is the storage version, or null. */
  static JsonNode storageVersion(JsonNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        return v;
      }
    }
    return null;
  }

  private static final class CrdStrategy implements Strategy {
    private final Clock clock;

    CrdStrategy(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
      ObjectNode meta = Json.metadata(obj);
      ArrayNode finalizers = meta.withArray("finalizers");
      boolean has = false;
      for (JsonNode f : finalizers) {
        has |= f.asText().equals(CLEANUP_FINALIZER);
      }
      if (!has) {
        finalizers.add(CLEANUP_FINALIZER);
      }
      obj.remove("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
      if (old.has("status")) {
        obj.set("status", old.get("status").deepCopy());
      }
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Json.child(obj, "spec");
      ObjectNode names = Json.child(spec, "names");
      String kind = names.path("kind").asText("");
      if (!names.has("singular") && !kind.isEmpty()) {
        names.put("singular", kind.toLowerCase());
      }
      if (!names.has("listKind") && !kind.isEmpty()) {
        names.put("listKind", kind + "List");
      }
      if (!spec.has("conversion")) {
        spec.putObject("conversion").put("strategy", "None");
      }
      status(obj);
    }

    /** Accepts the names and marks the CRD Established; records the storage version. */
    private void status(ObjectNode obj) {
      if (Json.metadata(obj).has("deletionTimestamp")) {
        return;
      }
      ObjectNode status = Json.child(obj, "status");
      ObjectNode names = ((ObjectNode) obj.path("spec").path("names")).deepCopy();
      status.set("acceptedNames", names);
      ArrayNode stored = status.withArray("storedVersions");
      JsonNode storage = storageVersion(obj);
      if (storage != null) {
        String v = storage.path("name").asText();
        boolean present = false;
        for (JsonNode s : stored) {
          present |= s.asText().equals(v);
        }
        if (!present) {
          stored.add(v);
        }
      }
      ArrayNode conditions = status.withArray("conditions");
      condition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found");
      condition(
          conditions,
          "Established",
          "InitialNamesAccepted",
          "the initial names have been accepted");
    }

    private void condition(ArrayNode conditions, String type, String reason, String message) {
      for (JsonNode c : conditions) {
        if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
          return;
        }
      }
      for (int i = conditions.size() - 1; i >= 0; i--) {
        if (conditions.get(i).path("type").asText().equals(type)) {
          conditions.remove(i);
        }
      }
      conditions
          .addObject()
          .put("type", type)
          .put("status", "True")
          .put("lastTransitionTime", clock.now().truncatedTo(ChronoUnit.SECONDS).toString())
          .put("reason", reason)
          .put("message", message);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      return CrdValidation.validate(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validate(obj));
      JsonNode spec = obj.path("spec");
      JsonNode oldSpec = old.path("spec");
      if (!spec.path("group").equals(oldSpec.path("group"))) {
        errs.add(
            FieldError.invalid("spec.group", spec.path("group").asText(), "field is immutable"));
      }
      if (!spec.path("names").path("plural").equals(oldSpec.path("names").path("plural"))) {
        errs.add(
            FieldError.invalid(
                "status.acceptedNames.plural",
                spec.path("names").path("plural").asText(),
                "field is immutable"));
      }
      if (!spec.path("scope").equals(oldSpec.path("scope"))) {
        errs.add(
            FieldError.invalid("spec.scope", spec.path("scope").asText(), "field is immutable"));
      }
      return errs;
    }

    @Override
    public boolean tracksGeneration() {
      return true;
    }
  }

  static boolean dnsLabel(String s) {
    return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  static boolean kindName(String s) {
    return KIND.matcher(s).matches();
  }
}

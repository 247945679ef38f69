package io.k8j.apiserver.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Ages;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.Converter;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import java.util.Map;

/** events.k8s.io/v1 Events: the core Events, renamed field by field as upstream converts them. */
final class EventsV1 {
  /** events.k8s.io/v1 field to core/v1 field. */
  private static final Map<String, String> RENAMES =
      Map.of(
          "regarding", "involvedObject",
          "note", "message",
          "deprecatedSource", "source",
          "deprecatedFirstTimestamp", "firstTimestamp",
          "deprecatedLastTimestamp", "lastTimestamp",
          "deprecatedCount", "count",
          "reportingController", "reportingComponent");

  private EventsV1() {}

  static ResourceDef definition() {
    return ResourceDef.builder("events.k8s.io", "v1", "Event", "events")
        .shortNames("ev")
        .exactColumns(
            Column.string(
                "Last Seen",
                o ->
                    Ages.since(
                        o.path("deprecatedLastTimestamp")
                            .asText(o.path("metadata").path("creationTimestamp").asText("")))),
            Column.string("Type", o -> o.path("type").asText("")),
            Column.string("Reason", o -> o.path("reason").asText("")),
            Column.string(
                "Object",
                o ->
                    o.path("regarding").path("kind").asText("").toLowerCase()
                        + "/"
                        + o.path("regarding").path("name").asText("")),
            Column.string("Message", o -> o.path("note").asText("").trim()))
        .field("regarding.kind", o -> Json.text(o, "regarding.kind"))
        .field("regarding.namespace", o -> Json.text(o, "regarding.namespace"))
        .field("regarding.name", o -> Json.text(o, "regarding.name"))
        .field("regarding.uid", o -> Json.text(o, "regarding.uid"))
        .field("reason", o -> Json.text(o, "reason"))
        .field("reportingController", o -> Json.text(o, "reportingController"))
        .field("type", o -> Json.text(o, "type"))
        .storage("events")
        .strategy(
            new Strategy() {
              @Override
              public boolean tracksGeneration() {
                return false;
              }
            })
        .converter(new EventConverter())
        .ttl(java.time.Duration.ofHours(1))
        .model(Event.class)
        .build();
  }

  /** events.k8s.io/v1 over stored core/v1 Events. */
  static final class EventConverter implements Converter {
    @Override
    public ObjectNode toStorage(ObjectNode served) {
      ObjectNode core = served.deepCopy();
      core.put("apiVersion", "v1");
      rename(core, false);
      return core;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
      ObjectNode v1 = stored.deepCopy();
      v1.put("apiVersion", "events.k8s.io/v1");
      rename(v1, true);
      return v1;
    }

    private static void rename(ObjectNode o, boolean toEventsV1) {
      for (Map.Entry<String, String> e : RENAMES.entrySet()) {
        String from = toEventsV1 ? e.getValue() : e.getKey();
        String to = toEventsV1 ? e.getKey() : e.getValue();
        JsonNode v = o.remove(from);
        if (v != null) {
          o.set(to, v);
        }
      }
    }
  }
}

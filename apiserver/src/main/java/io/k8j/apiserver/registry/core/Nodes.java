package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Nodes, stored as upstream stores them under {@code /registry/minions}. */
public final class Nodes implements Strategy {
  private Nodes() {}

  public static ResourceDef definition() {
    return ResourceDef.builder("", "v1", "Node", "nodes")
        .clusterScoped()
        .shortNames("no")
        .withStatus()
        .storage("minions")
        .column(Column.string("Status", Nodes::status))
        .column(Column.string("Roles", Nodes::roles))
        .ageColumn()
        .column(
            Column.string(
                "Version",
                o -> o.path("status").path("nodeInfo").path("kubeletVersion").asText("")))
        .column(Column.wide("Internal-IP", o -> address(o, "InternalIP")))
        .column(Column.wide("External-IP", o -> address(o, "ExternalIP")))
        .column(
            Column.wide(
                "OS-Image",
                o -> o.path("status").path("nodeInfo").path("osImage").asText("<unknown>")))
        .column(
            Column.wide(
                "Kernel-Version",
                o -> o.path("status").path("nodeInfo").path("kernelVersion").asText("<unknown>")))
        .column(
            Column.wide(
                "Container-Runtime",
                o ->
                    o.path("status")
                        .path("nodeInfo")
                        .path("containerRuntimeVersion")
                        .asText("<unknown>")))
        .field(
            "spec.unschedulable",
            o -> Boolean.toString(o.path("spec").path("unschedulable").asBoolean(false)))
        .strategy(new Nodes())
        .model(Node.class)
        .allowCreateOnUpdate()
        .build();
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  static String status(ObjectNode node) {
    String ready = "Unknown";
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        ready = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
      }
    }
    return node.path("spec").path("unschedulable").asBoolean(false)
        ? ready + ",SchedulingDisabled"
        : ready;
  }

  static String roles(ObjectNode node) {
    TreeSet<String> roles = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : node.path("metadata").path("labels").properties()) {
      if (e.getKey().startsWith("node-role.kubernetes.io/")) {
        String r = e.getKey().substring("node-role.kubernetes.io/".length());
        if (!r.isEmpty()) {
          roles.add(r);
        }
      } else if (e.getKey().equals("kubernetes.io/role")) {
        roles.add(e.getValue().asText());
      }
    }
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  static String address(ObjectNode node, String type) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        out.add(a.path("address").asText());
      }
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }
}

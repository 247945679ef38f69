package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Services: defaults, validation, and cluster IPs and node ports from the allocator. */
public final class Services implements Strategy {
  private static final List<String> TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

  private final ServiceAllocator allocator;

  private Services(ServiceAllocator allocator) {
    this.allocator = allocator;
  }

  public static ResourceDef definition(ServiceAllocator allocator) {
    return ResourceDef.builder("", "v1", "Service", "services")
        .shortNames("svc")
        .categories("all")
        .withStatus()
        .storage("services/specs")
        .column(Column.string("Type", o -> o.path("spec").path("type").asText("")))
        .column(Column.string("Cluster-IP", o -> Cells.textOrNone(o, "spec.clusterIP")))
        .column(Column.string("External-IP", Services::externalIp))
        .column(Column.string("Port(s)", Services::ports))
        .column(Column.wide("Selector", o -> Cells.selector(o.path("spec").path("selector"))))
        .field("spec.clusterIP", o -> Json.text(o, "spec.clusterIP"))
        .field("spec.type", o -> Json.text(o, "spec.type"))
        .strategy(new Services(allocator))
        .model(Service.class)
        .returnDeletedObject()
        .build();
  }

  @Override
  public Names.Rule nameRule() {
    return Names.Rule.DNS1035;
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    Json.child(obj, "status").removeAll().putObject("loadBalancer");
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    ObjectNode spec = Json.child(obj, "spec");
    if (spec.path("type").asText("").isEmpty()) {
      spec.put("type", "ClusterIP");
    }
    String type = spec.path("type").asText();
    if (!type.equals("ExternalName")) {
      if (spec.path("sessionAffinity").asText("").isEmpty()) {
        spec.put("sessionAffinity", "None");
      }
      if (!spec.has("internalTrafficPolicy")) {
        spec.put("internalTrafficPolicy", "Cluster");
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      if (!spec.has("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
    }
    if ((type.equals("NodePort") || type.equals("LoadBalancer"))
        && !spec.has("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    for (JsonNode p : spec.path("ports")) {
      if (p instanceof ObjectNode port) {
        if (port.path("protocol").asText("").isEmpty()) {
          port.put("protocol", "TCP");
        }
        if (!port.has("targetPort") && port.has("port")) {
          port.set("targetPort", port.get("port"));
        }
      }
    }
  }

  @Override
  public List<FieldError> validate(ObjectNode obj) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!TYPES.contains(type)) {
      errs.add(FieldError.notSupported("spec.type", type, TYPES));
    }
    JsonNode ports = spec.path("ports");
    boolean headless = spec.path("clusterIP").asText("").equals("None");
    if (ports.isEmpty() && !type.equals("ExternalName") && !headless) {
      errs.add(FieldError.required("spec.ports", ""));
    }
    if (type.equals("ExternalName") && spec.path("externalName").asText("").isEmpty()) {
      errs.add(FieldError.required("spec.externalName", ""));
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode p : ports) {
      String path = "spec.ports[" + i++ + "]";
      String name = p.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        errs.add(FieldError.required(path + ".name", ""));
      } else if (!name.isEmpty() && !names.add(name)) {
        errs.add(FieldError.duplicate(path + ".name", name));
      }
      long port = p.path("port").asLong(0);
      if (port < 1 || port > 65535) {
        errs.add(
            FieldError.invalid(path + ".port", port, "must be between 1 and 65535, inclusive"));
      }
      PodValidation.enumField(p, "protocol", path, List.of("SCTP", "TCP", "UDP"), errs);
      if (p.has("nodePort") && type.equals("ClusterIP") && p.path("nodePort").asLong() != 0) {
        errs.add(
            FieldError.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
      }
    }
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>(validate(obj));
    String oldIp = old.path("spec").path("clusterIP").asText("");
    JsonNode newIp = obj.path("spec").path("clusterIP");
    if (!oldIp.isEmpty()
        && newIp.isTextual()
        && !newIp.asText().isEmpty()
        && !newIp.asText().equals(oldIp)) {
      errs.add(
          FieldError.invalid(
              "spec.clusterIPs[0]",
              new FieldError.Raw("[]string{\"" + newIp.asText() + "\"}"),
              "may not change once set"));
    }
    return errs;
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Json.child(obj, "spec");
    JsonNode oldSpec = old.path("spec");
    if (spec.path("clusterIP").asText("").isEmpty() && oldSpec.has("clusterIP")) {
      spec.set("clusterIP", oldSpec.get("clusterIP"));
      spec.set("clusterIPs", oldSpec.path("clusterIPs").deepCopy());
    }
  }

  @Override
  public void reserve(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Json.child(obj, "spec");
    String type = spec.path("type").asText("ClusterIP");
    String name = obj.path("metadata").path("name").asText();
    List<FieldError> errs = new ArrayList<>();
    if (old == null && !type.equals("ExternalName")) {
      String ip = spec.path("clusterIP").asText("");
      if (ip.isEmpty()) {
        ip = allocator.allocateIp();
      } else if (!ip.equals("None")) {
        FieldError e = allocator.allocateIp(ip);
        if (e != null) {
          errs.add(e);
        }
      }
      spec.put("clusterIP", ip);
      spec.putArray("clusterIPs").add(ip);
    }
    Set<Integer> had = nodePorts(old);
    List<Integer> taken = new ArrayList<>();
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      int i = 0;
      for (JsonNode p : spec.path("ports")) {
        ObjectNode port = (ObjectNode) p;
        int np = port.path("nodePort").asInt(0);
        if (np == 0) {
          np = allocator.allocatePort();
          port.put("nodePort", np);
          taken.add(np);
        } else if (!had.contains(np)) {
          String why = allocator.allocatePort(np);
          if (why != null) {
            errs.add(FieldError.invalid("spec.ports[" + i + "].nodePort", np, why));
          } else {
            taken.add(np);
          }
        }
        i++;
      }
    }
    if (!errs.isEmpty()) {
      taken.forEach(allocator::releasePort);
      if (old == null) {
        String ip = spec.path("clusterIP").asText("");
        if (errs.stream().noneMatch(e -> e.field().startsWith("spec.clusterIP"))) {
          allocator.releaseIp(ip);
        }
      }
      throw ApiException.invalid("", "Service", name, errs);
    }
  }

  @Override
  public void release(ObjectNode obj, ObjectNode keep) {
    Set<Integer> kept = nodePorts(keep);
    for (int p : nodePorts(obj)) {
      if (!kept.contains(p)) {
        allocator.releasePort(p);
      }
    }
    String ip = obj.path("spec").path("clusterIP").asText("");
    if (keep == null && !ip.isEmpty() && !ip.equals("None")) {
      allocator.releaseIp(ip);
    }
  }

  static Set<Integer> nodePorts(JsonNode svc) {
    Set<Integer> out = new HashSet<>();
    if (svc != null) {
      for (JsonNode p : svc.path("spec").path("ports")) {
        if (p.path("nodePort").asInt(0) > 0) {
          out.add(p.path("nodePort").asInt());
        }
      }
    }
    return out;
  }

  static String externalIp(ObjectNode svc) {
    JsonNode spec = svc.path("spec");
    String type = spec.path("type").asText("");
    List<String> ips = new ArrayList<>();
    spec.path("externalIPs").forEach(n -> ips.add(n.asText()));
    switch (type) {
      case "ExternalName" -> {
        return spec.path("externalName").asText("<none>");
      }
      case "LoadBalancer" -> {
        svc.path("status")
            .path("loadBalancer")
            .path("ingress")
            .forEach(n -> ips.add(n.path("ip").asText(n.path("hostname").asText())));
        return ips.isEmpty() ? "<pending>" : String.join(",", ips);
      }
      default -> {
        return ips.isEmpty() ? "<none>" : String.join(",", ips);
      }
    }
  }

  static String ports(ObjectNode svc) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : svc.path("spec").path("ports")) {
      String proto = p.path("protocol").asText("TCP");
      int np = p.path("nodePort").asInt(0);
      out.add(
          np > 0
              ? p.path("port").asInt() + ":" + np + "/" + proto
              : p.path("port").asInt() + "/" + proto);
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }
}

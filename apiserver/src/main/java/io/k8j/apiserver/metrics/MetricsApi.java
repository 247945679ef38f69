package io.k8j.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.http.HttpExchange;
import io.k8j.apiserver.http.Negotiation;
import io.k8j.apiserver.http.RequestInfo;
import io.k8j.apiserver.http.Responses;
import io.k8j.apiserver.registry.GroupResource;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.selection.LabelSelector;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.k8s.io/v1beta1}: NodeMetrics ({@code nodes}) and PodMetrics ({@code pods}), get
 * and list with label selectors, from the {@link MetricsScraper}'s rates. A node or pod appears
 * once two scrapes gave it a CPU rate; a pod only when every one of its running containers has one.
 */
public final class MetricsApi {
  public static final String GROUP = "metrics.k8s.io";
  public static final String VERSION = "v1beta1";

  private final MetricsScraper scraper;
  private final ServedResource nodes;
  private final ServedResource pods;

  public MetricsApi(MetricsScraper scraper, ServedResource nodes, ServedResource pods) {
    this.scraper = scraper;
    this.nodes = nodes;
    this.pods = pods;
  }

  /** The resources as discovery lists them. */
  public static List<ResourceDef> definitions() {
    return List.of(
        ResourceDef.builder(GROUP, VERSION, "NodeMetrics", "nodes")
            .clusterScoped()
            .verbs("get", "list")
            .build(),
        ResourceDef.builder(GROUP, VERSION, "PodMetrics", "pods").verbs("get", "list").build());
  }

  public void handle(HttpExchange ex, RequestInfo info, Negotiation.Choice choice) {
    if (!info.version().equals(VERSION)
        || !info.subresource().isEmpty()
        || !(info.resource().equals("nodes") || info.resource().equals("pods"))) {
      throw ApiException.notFoundPath();
    }
    if (!info.verb().equals("get") && !info.verb().equals("list")) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    boolean isNodes = info.resource().equals("nodes");
    LabelSelector selector;
    try {
      selector = LabelSelector.parse(ex.query("labelSelector"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String ns = isNodes ? "" : info.namespace();
    List<ObjectNode> objects =
        (isNodes ? nodes : pods).lister().list(ns, ListOptions.all()).items();
    List<ObjectNode> items = new ArrayList<>();
    for (ObjectNode o : objects) {
      String name = o.path("metadata").path("name").asText();
      if (info.verb().equals("get") ? !name.equals(info.name()) : !selector.matches(o)) {
        continue;
      }
      ObjectNode m = isNodes ? nodeMetrics(o) : podMetrics(o);
      if (m != null) {
        items.add(m);
      }
    }
    if (info.verb().equals("get")) {
      if (items.isEmpty()) {
        throw ApiException.notFound(
            new GroupResource(GROUP, isNodes ? "nodemetrics" : "podmetrics"), info.name());
      }
      Responses.document(ex, Negotiation.Choice.JSON, 200, items.getFirst());
      return;
    }
    ObjectNode list =
        Json.object()
            .put("kind", isNodes ? "NodeMetricsList" : "PodMetricsList")
            .put("apiVersion", GROUP + "/" + VERSION);
    list.putObject("metadata");
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    Responses.document(ex, Negotiation.Choice.JSON, 200, list);
  }

  private ObjectNode nodeMetrics(ObjectNode node) {
    String name = node.path("metadata").path("name").asText();
    UsageRates.Rate r = scraper.rates().get(MetricsScraper.nodeKey(name));
    if (r == null) {
      return null;
    }
    ObjectNode o = head("NodeMetrics", node, r);
    usage(o.putObject("usage"), r.nanoCores(), r.memoryBytes());
    return o;
  }

  private ObjectNode podMetrics(ObjectNode pod) {
    String node = pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty() || !pod.path("status").path("phase").asText().equals("Running")) {
      return null;
    }
    String ns = pod.path("metadata").path("namespace").asText();
    String name = pod.path("metadata").path("name").asText();
    List<ObjectNode> containers = new ArrayList<>();
    UsageRates.Rate latest = null;
    for (JsonNode c : pod.path("spec").path("containers")) {
      String cname = c.path("name").asText();
      UsageRates.Rate r = scraper.rates().get(MetricsScraper.containerKey(node, ns, name, cname));
      if (r == null) {
        return null;
      }
      ObjectNode co = Json.object().put("name", cname);
      usage(co.putObject("usage"), r.nanoCores(), r.memoryBytes());
      containers.add(co);
      latest = latest == null || r.time().isAfter(latest.time()) ? r : latest;
    }
    if (latest == null) {
      return null;
    }
    ObjectNode o = head("PodMetrics", pod, latest);
    ArrayNode array = o.putArray("containers");
    containers.forEach(array::add);
    return o;
  }

  private static ObjectNode head(String kind, ObjectNode source, UsageRates.Rate r) {
    ObjectNode o = Json.object().put("kind", kind).put("apiVersion", GROUP + "/" + VERSION);
    ObjectNode meta = o.putObject("metadata");
    JsonNode sm = source.path("metadata");
    meta.put("name", sm.path("name").asText());
    if (sm.has("namespace")) {
      meta.put("namespace", sm.path("namespace").asText());
    }
    meta.put("creationTimestamp", r.time().truncatedTo(ChronoUnit.SECONDS).toString());
    if (sm.has("labels")) {
      meta.set("labels", sm.path("labels").deepCopy());
    }
    o.put("timestamp", r.time().truncatedTo(ChronoUnit.SECONDS).toString());
    o.put("window", r.window().toSeconds() + "s");
    return o;
  }

  private static void usage(ObjectNode usage, long nanoCores, long memoryBytes) {
    usage.put("cpu", nanoCores + "n");
    usage.put("memory", (memoryBytes / 1024) + "Ki");
  }
}

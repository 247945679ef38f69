package io.k8j.kubelet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.kubelet.stats.StatsCollector;
import io.k8j.kubelet.stats.StatsCollector.Tracked;
import io.k8j.kubelet.stats.Usage;
import io.k8j.kubelet.stats.UsageRing;
import io.k8j.kubelet.util.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /stats/summary} (the kubelet's summary API: node, pods and their containers, with CPU in
 * nanocores and cumulative core-nanoseconds and memory working sets) and {@code /metrics/resource}
 * (the same figures in Prometheus text with upstream's metric names), from the {@link
 * StatsCollector}'s latest samples.
 */
public final class StatsHandler {
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private final String nodeName;
  private final StatsCollector stats;

  public StatsHandler(String nodeName, StatsCollector stats) {
    this.nodeName = nodeName;
    this.stats = stats;
  }

  public void summary(Request request, Response response, Callback callback) {
    KubeletServer.send(response, callback, 200, "application/json", summary().toString());
  }

  public void resourceMetrics(Request request, Response response, Callback callback) {
    KubeletServer.send(response, callback, 200, PROMETHEUS, resourceMetrics());
  }

  ObjectNode summary() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("nodeName", nodeName);
    node.put("startTime", time(stats.nodeStartTime()));
    usage(node, stats.node());
    ArrayNode pods = root.putArray("pods");
    for (List<Tracked> pod : byPod().values()) {
      Tracked first = pod.getFirst();
      ObjectNode p = pods.addObject();
      p.putObject("podRef")
          .put("name", first.pod())
          .put("namespace", first.namespace())
          .put("uid", first.podUid());
      p.put("startTime", time(first.startTime()));
      ArrayNode cs = p.putArray("containers");
      long nanoCores = 0;
      long coreNanos = 0;
      long ws = 0;
      long mem = 0;
      Instant latest = null;
      boolean rates = true;
      for (Tracked t : pod) {
        ObjectNode c = cs.addObject();
        c.put("name", t.name()).put("startTime", time(t.startTime()));
        usage(c, t.ring());
        Usage u = t.ring().latest();
        if (u != null) {
          coreNanos += u.cpuNanos();
          ws += u.workingSetBytes();
          mem += u.memoryBytes();
          latest = latest == null || u.time().isAfter(latest) ? u.time() : latest;
        }
        long r = t.ring().nanoCores();
        rates &= r >= 0;
        nanoCores += Math.max(0, r);
      }
      if (latest != null) {
        ObjectNode cpu = p.putObject("cpu").put("time", time(latest));
        if (rates) {
          cpu.put("usageNanoCores", nanoCores);
        }
        cpu.put("usageCoreNanoSeconds", coreNanos);
        p.putObject("memory")
            .put("time", time(latest))
            .put("usageBytes", mem)
            .put("workingSetBytes", ws);
      }
    }
    return root;
  }

  private static void usage(ObjectNode o, UsageRing ring) {
    Usage u = ring.latest();
    if (u == null) {
      return;
    }
    ObjectNode cpu = o.putObject("cpu").put("time", time(u.time()));
    long rate = ring.nanoCores();
    if (rate >= 0) {
      cpu.put("usageNanoCores", rate);
    }
    cpu.put("usageCoreNanoSeconds", u.cpuNanos());
    o.putObject("memory")
        .put("time", time(u.time()))
        .put("usageBytes", u.memoryBytes())
        .put("workingSetBytes", u.workingSetBytes());
  }

  private Map<String, List<Tracked>> byPod() {
    Map<String, List<Tracked>> out = new LinkedHashMap<>();
    for (Tracked t : stats.containers()) {
      if (t.ring().latest() != null) {
        out.computeIfAbsent(t.podUid(), k -> new ArrayList<>()).add(t);
      }
    }
    return out;
  }

  String resourceMetrics() {
    StringBuilder b = new StringBuilder();
    List<Tracked> containers =
        stats.containers().stream().filter(t -> t.ring().latest() != null).toList();
    header(
        b,
        "container_cpu_usage_seconds_total",
        "counter",
        "[STABLE] Cumulative cpu time consumed by the container in core-seconds");
    for (Tracked t : containers) {
      Usage u = t.ring().latest();
      line(b, "container_cpu_usage_seconds_total", labels(t), seconds(u.cpuNanos()), u.time());
    }
    header(
        b,
        "container_memory_working_set_bytes",
        "gauge",
        "[STABLE] Current working set of the container in bytes");
    for (Tracked t : containers) {
      Usage u = t.ring().latest();
      line(b, "container_memory_working_set_bytes", labels(t), u.workingSetBytes(), u.time());
    }
    header(
        b,
        "container_start_time_seconds",
        "gauge",
        "[STABLE] Start time of the container since unix epoch in seconds");
    for (Tracked t : containers) {
      line(
          b,
          "container_start_time_seconds",
          labels(t),
          t.startTime().getEpochSecond(),
          t.ring().latest().time());
    }
    Usage node = stats.node().latest();
    header(
        b,
        "node_cpu_usage_seconds_total",
        "counter",
        "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
    if (node != null) {
      line(b, "node_cpu_usage_seconds_total", "", seconds(node.cpuNanos()), node.time());
    }
    header(
        b,
        "node_memory_working_set_bytes",
        "gauge",
        "[STABLE] Current working set of the node in bytes");
    if (node != null) {
      line(b, "node_memory_working_set_bytes", "", node.workingSetBytes(), node.time());
    }
    header(
        b,
        "pod_cpu_usage_seconds_total",
        "counter",
        "[STABLE] Cumulative cpu time consumed by the pod in core-seconds");
    Map<String, List<Tracked>> pods = byPod();
    for (List<Tracked> pod : pods.values()) {
      long cpu = pod.stream().mapToLong(t -> t.ring().latest().cpuNanos()).sum();
      line(b, "pod_cpu_usage_seconds_total", podLabels(pod.getFirst()), seconds(cpu), latest(pod));
    }
    header(
        b,
        "pod_memory_working_set_bytes",
        "gauge",
        "[STABLE] Current working set of the pod in bytes");
    for (List<Tracked> pod : pods.values()) {
      long ws = pod.stream().mapToLong(t -> t.ring().latest().workingSetBytes()).sum();
      line(b, "pod_memory_working_set_bytes", podLabels(pod.getFirst()), ws, latest(pod));
    }
    header(
        b,
        "scrape_error",
        "gauge",
        "[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise");
    b.append("scrape_error ").append(node == null ? 1 : 0).append('\n');
    return b.toString();
  }

  private static Instant latest(List<Tracked> pod) {
    return pod.stream().map(t -> t.ring().latest().time()).max(Instant::compareTo).orElseThrow();
  }

  private static void header(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder b, String name, String labels, double v, Instant t) {
    b.append(name);
    if (!labels.isEmpty()) {
      b.append('{').append(labels).append('}');
    }
    String value =
        v == Math.rint(v) && Math.abs(v) < 1e15
            ? Long.toString((long) v)
            : String.format(Locale.ROOT, "%.9f", v);
    b.append(' ').append(value).append(' ').append(t.toEpochMilli()).append('\n');
  }

  private static String labels(Tracked t) {
    return "container=\""
        + escape(t.name())
        + "\",namespace=\""
        + escape(t.namespace())
        + "\",pod=\""
        + escape(t.pod())
        + "\"";
  }

  private static String podLabels(Tracked t) {
    return "namespace=\"" + escape(t.namespace()) + "\",pod=\"" + escape(t.pod()) + "\"";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

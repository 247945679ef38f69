package io.k8j.apiserver.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.kubelet.KubeletClient;
import io.k8j.common.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes every node's kubelet {@code /metrics/resource} every {@code period} (metrics-server's
 * loop) and feeds the CPU and memory samples of the node and its containers to {@link UsageRates}.
 */
public final class MetricsScraper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsScraper.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KubeletClient kubelets;
  private final Supplier<List<ObjectNode>> nodes;
  private final Clock clock;
  private final Duration period;
  private final UsageRates rates = new UsageRates();
  private volatile boolean closed;
  private Thread thread;

  public MetricsScraper(
      KubeletClient kubelets, Supplier<List<ObjectNode>> nodes, Clock clock, Duration period) {
    this.kubelets = kubelets;
    this.nodes = nodes;
    this.clock = clock;
    this.period = period;
  }

  UsageRates rates() {
    return rates;
  }

  public void start() {
    thread =
        Thread.ofVirtual()
            .name("metrics-scraper")
            .start(
                () -> {
                  while (!closed) {
                    scrapeAll();
                    try {
                      clock.sleep(period);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  void scrapeAll() {
    for (ObjectNode node : nodes.get()) {
      String name = node.path("metadata").path("name").asText();
      try {
        scrape(name, kubelets.get(name, "/metrics/resource", TIMEOUT));
      } catch (RuntimeException e) {
        log.debug("could not scrape the kubelet of node {}: {}", name, e.getMessage());
      }
    }
  }

  void scrape(String node, String text) {
    Set<String> seen = new HashSet<>();
    java.util.Map<String, Double> cpu = new java.util.HashMap<>();
    java.util.Map<String, Long> ts = new java.util.HashMap<>();
    java.util.Map<String, Long> mem = new java.util.HashMap<>();
    for (ResourceMetricsText.Sample s : ResourceMetricsText.parse(text)) {
      String key =
          switch (s.name()) {
            case "node_cpu_usage_seconds_total", "node_memory_working_set_bytes" -> nodeKey(node);
            case "container_cpu_usage_seconds_total", "container_memory_working_set_bytes" ->
                containerKey(
                    node,
                    s.labels().getOrDefault("namespace", ""),
                    s.labels().getOrDefault("pod", ""),
                    s.labels().getOrDefault("container", ""));
            default -> null;
          };
      if (key == null) {
        continue;
      }
      if (s.name().endsWith("_cpu_usage_seconds_total")) {
        cpu.put(key, s.value());
        ts.put(key, s.timestampMillis());
      } else {
        mem.put(key, (long) s.value());
      }
    }
    for (var e : cpu.entrySet()) {
      Long m = mem.get(e.getKey());
      if (m != null) {
        rates.record(e.getKey(), e.getValue(), m, ts.get(e.getKey()));
        seen.add(e.getKey());
      }
    }
    rates.retain(nodeKey(node), seen);
  }

  static String nodeKey(String node) {
    return node + "/";
  }

  static String containerKey(String node, String ns, String pod, String container) {
    return node + "/" + ns + "/" + pod + "/" + container;
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}

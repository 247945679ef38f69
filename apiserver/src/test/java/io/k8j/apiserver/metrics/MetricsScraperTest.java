package io.k8j.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsScraperTest {
  static String scrape(double cpuSeconds, long memory, long ts) {
    return """
        # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time
        # TYPE container_cpu_usage_seconds_total counter
        container_cpu_usage_seconds_total{container="c",namespace="default",pod="web"} %s %d
        container_memory_working_set_bytes{container="c",namespace="default",pod="web"} %d %d
        node_cpu_usage_seconds_total %s %d
        node_memory_working_set_bytes %d %d
        scrape_error 0
        """
        .formatted(cpuSeconds, ts, memory, ts, cpuSeconds * 4, ts, memory * 10, ts);
  }

  @Test
  void ratesComeFromTwoScrapesWithTheWindowBetweenThem() {
    MetricsScraper s = new MetricsScraper(null, java.util.List::of, null, Duration.ofSeconds(15));
    String container = MetricsScraper.containerKey("n1", "default", "web", "c");
    s.scrape("n1", scrape(10.0, 1_000_000, 1_000_000));
    assertThat(s.rates().get(container)).as("one scrape gives no rate").isNull();
    s.scrape("n1", scrape(10.0, 1_000_000, 1_000_000));
    assertThat(s.rates().get(container)).as("the same sample again").isNull();
    s.scrape("n1", scrape(15.0, 2_000_000, 1_010_000));
    UsageRates.Rate r = s.rates().get(container);
    assertThat(r.nanoCores()).isEqualTo(500_000_000L);
    assertThat(r.memoryBytes()).isEqualTo(2_000_000);
    assertThat(r.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.rates().get(MetricsScraper.nodeKey("n1")).nanoCores()).isEqualTo(2_000_000_000L);
    s.scrape(
        "n1",
        "node_cpu_usage_seconds_total 100 1020000\nnode_memory_working_set_bytes 5 1020000\n");
    assertThat(s.rates().get(container)).as("a container gone from the node").isNull();
  }

  @Test
  void parsesLabelsWithEscapes() {
    var samples =
        ResourceMetricsText.parse(
            "m{a=\"x\\\"y\",b=\"z\"} 1.5 123\n# comment\nplain 2\nbroken{a=1} 3\n");
    assertThat(samples).hasSize(2);
    assertThat(samples.get(0).labels()).containsEntry("a", "x\"y").containsEntry("b", "z");
    assertThat(samples.get(0).value()).isEqualTo(1.5);
    assertThat(samples.get(0).timestampMillis()).isEqualTo(123);
    assertThat(samples.get(1).name()).isEqualTo("plain");
  }
}

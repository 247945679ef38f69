package io.k8j.apiserver.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The API server's Prometheus metrics: requests by verb, resource and code, their latency, the
 * requests in flight and the open watches.
 */
public final class ApiMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger inFlight = new AtomicInteger();
  private static final java.time.Duration[] BUCKETS = {
    java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(25),
        java.time.Duration.ofMillis(100),
    java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(1),
        java.time.Duration.ofSeconds(5),
    java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60)
  };

  public ApiMetrics(Supplier<Number> watchCount) {
    Gauge.builder("apiserver.current.inflight.requests", inFlight, AtomicInteger::get)
        .description("Requests being served")
        .register(registry);
    Gauge.builder("apiserver.registered.watchers", watchCount)
        .description("Watches being served")
        .register(registry);
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished(String verb, String resource, int code, long nanos) {
    inFlight.decrementAndGet();
    String c = Integer.toString(code);
    Counter.builder("apiserver.request")
        .description("Requests by verb, resource and HTTP code")
        .tags("verb", verb, "resource", resource, "code", c)
        .register(registry)
        .increment();
    Timer.builder("apiserver.request.duration")
        .description("Request latency by verb and resource")
        .tags("verb", verb, "resource", resource)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The metrics in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }
}

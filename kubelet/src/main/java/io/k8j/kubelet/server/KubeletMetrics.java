package io.k8j.kubelet.server;

import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /metrics}: the kubelet's own figures in Prometheus text (pods and containers it runs, log
 * readers following, sampling rounds of resource usage).
 */
public final class KubeletMetrics {
  private final LongSupplier runningPods;
  private final LongSupplier runningContainers;
  private final LongSupplier logFollowers;
  private final LongSupplier statsSamples;

  public KubeletMetrics(
      LongSupplier runningPods,
      LongSupplier runningContainers,
      LongSupplier logFollowers,
      LongSupplier statsSamples) {
    this.runningPods = runningPods;
    this.runningContainers = runningContainers;
    this.logFollowers = logFollowers;
    this.statsSamples = statsSamples;
  }

  public void handle(Request request, Response response, Callback callback) {
    KubeletServer.send(response, callback, 200, StatsHandler.PROMETHEUS, text());
  }

  String text() {
    StringBuilder b = new StringBuilder();
    metric(
        b,
        "kubelet_running_pods",
        "gauge",
        "[ALPHA] Number of pods that have a running pod sandbox",
        "",
        runningPods.getAsLong());
    metric(
        b,
        "kubelet_running_containers",
        "gauge",
        "[ALPHA] Number of containers currently running",
        "{container_state=\"running\"}",
        runningContainers.getAsLong());
    metric(
        b,
        "kubelet_container_log_followers",
        "gauge",
        "Number of readers following a container log now",
        "",
        logFollowers.getAsLong());
    metric(
        b,
        "kubelet_resource_usage_samples_total",
        "counter",
        "Rounds of resource usage sampling of the node and its containers",
        "",
        statsSamples.getAsLong());
    return b.toString();
  }

  private static void metric(
      StringBuilder b, String name, String type, String help, String labels, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    b.append(name).append(labels).append(' ').append(value).append('\n');
  }
}

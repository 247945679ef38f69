package io.k8j.kubelet.server;

import io.k8j.streaming.OpenSessions;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /metrics}: the kubelet's own figures in Prometheus text (pods and containers it runs, log
 * readers following, exec, attach and port-forward sessions open, sampling rounds of resource
 * usage).
 */
public final class KubeletMetrics {
  static final String STREAMING_SESSIONS = "kubelet_streaming_sessions";
  private final LongSupplier runningPods;
  private final LongSupplier runningContainers;
  private final LongSupplier logFollowers;
  private final Map<String, OpenSessions> streamingSessions;
  private final LongSupplier statsSamples;

  /**
   * @param streamingSessions the streaming sessions open now by kind ({@code exec}, {@code attach},
   *     {@code portForward})
   */
  public KubeletMetrics(
      LongSupplier runningPods,
      LongSupplier runningContainers,
      LongSupplier logFollowers,
      Map<String, OpenSessions> streamingSessions,
      LongSupplier statsSamples) {
    this.runningPods = runningPods;
    this.runningContainers = runningContainers;
    this.logFollowers = logFollowers;
    this.streamingSessions = new TreeMap<>(streamingSessions);
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
    header(b, STREAMING_SESSIONS, "gauge", "Exec, attach and port-forward sessions open now");
    streamingSessions.forEach(
        (kind, open) -> sample(b, STREAMING_SESSIONS, "{kind=\"" + kind + "\"}", open.count()));
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
    header(b, name, type, help);
    sample(b, name, labels, value);
  }

  private static void header(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder b, String name, String labels, long value) {
    b.append(name).append(labels).append(' ').append(value).append('\n');
  }
}

package io.k8j.kubelet.server;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.cri.v1.ContainerState;
import io.k8j.kubelet.logs.ContainerLogReader;
import io.k8j.kubelet.logs.LogOptions;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.streaming.ClientConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}: a container's log, as upstream's
 * kubelet serves it to the API server's {@code pods/log}. The container instance is the one the
 * pod's status names (the previous one's with {@code previous}); the errors are upstream's, as
 * plain text with 404 (no such pod or container) or 400 (nothing to read yet).
 */
public final class ContainerLogsHandler {
  static final String PREFIX = "/containerLogs/";
  private static final Logger log = LoggerFactory.getLogger(ContainerLogsHandler.class);

  private final BiFunction<String, String, Optional<Pod>> pods;
  private final ContainerRuntime runtime;
  private final ContainerLogReader reader;
  private final Clock clock;
  private final AtomicInteger followers = new AtomicInteger();

  /**
   * @param pods the pod of a namespace and name, with the status the kubelet generated for it
   */
  public ContainerLogsHandler(
      BiFunction<String, String, Optional<Pod>> pods,
      ContainerRuntime runtime,
      ContainerLogReader reader,
      Clock clock) {
    this.pods = pods;
    this.runtime = runtime;
    this.reader = reader;
    this.clock = clock;
  }

  /** How many readers follow a log now. */
  public int followers() {
    return followers.get();
  }

  public void handle(Request request, Response response, Callback callback) {
    String[] parts = Request.getPathInContext(request).substring(PREFIX.length()).split("/");
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      KubeletServer.send(
          response,
          callback,
          400,
          KubeletServer.TEXT,
          "the path must be /containerLogs/{podNamespace}/{podID}/{containerName}\n");
      return;
    }
    Fields query = Request.extractQueryParameters(request);
    LogOptions opts;
    try {
      opts = LogOptions.fromQuery(query::getValue, clock.now());
    } catch (IllegalArgumentException e) {
      KubeletServer.send(response, callback, 400, KubeletServer.TEXT, e.getMessage() + "\n");
      return;
    }
    Optional<Pod> pod = pods.apply(parts[0], parts[1]);
    if (pod.isEmpty()) {
      KubeletServer.send(
          response, callback, 404, KubeletServer.TEXT, "pod \"" + parts[1] + "\" does not exist\n");
      return;
    }
    if (!hasContainer(pod.get(), parts[2])) {
      KubeletServer.send(
          response,
          callback,
          404,
          KubeletServer.TEXT,
          "container \"" + parts[2] + "\" not found in pod \"" + parts[1] + "\"\n");
      return;
    }
    String id;
    Path path;
    try {
      id = containerId(pod.get(), parts[2], opts.previous());
      String logPath = runtime.containerStatus(id).getStatus().getLogPath();
      if (logPath.isEmpty()) {
        throw new IllegalStateException(
            "container \"" + parts[2] + "\" in pod \"" + parts[1] + "\" has no log");
      }
      path = Path.of(logPath);
    } catch (IllegalStateException e) {
      KubeletServer.send(response, callback, 400, KubeletServer.TEXT, e.getMessage());
      return;
    } catch (RuntimeCallException e) {
      KubeletServer.send(
          response,
          callback,
          400,
          KubeletServer.TEXT,
          "failed to get container status " + parts[2] + ": " + e.getMessage());
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, KubeletServer.TEXT);
    response.getHeaders().put(HttpHeader.TRANSFER_ENCODING, "chunked");
    if (opts.follow()) {
      request.addIdleTimeoutListener(t -> false);
      followers.incrementAndGet();
      log.info("following the log of {}/{}/{}", parts[0], parts[1], parts[2]);
    }
    OutputStream out = Content.Sink.asOutputStream(response);
    try {
      // a follower ends when the container does or when its reader went away: an idle log would
      // otherwise keep it until the container's end
      reader.read(path, opts, () -> running(id) && !ClientConnection.gone(request), out);
      out.close();
      callback.succeeded();
    } catch (IOException e) {
      callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } finally {
      if (opts.follow()) {
        followers.decrementAndGet();
        log.info("stopped following the log of {}/{}/{}", parts[0], parts[1], parts[2]);
      }
    }
  }

  private boolean running(String id) {
    try {
      return runtime.containerStatus(id).getStatus().getState() == ContainerState.CONTAINER_RUNNING;
    } catch (RuntimeCallException e) {
      return false;
    }
  }

  private static boolean hasContainer(Pod pod, String name) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    if (pod.getSpec().getEphemeralContainers() != null
        && pod.getSpec().getEphemeralContainers().stream()
            .anyMatch(c -> c.getName().equals(name))) {
      return true;
    }
    return all.stream().anyMatch(c -> c.getName().equals(name));
  }

  /**
   * The runtime id of the instance whose log to read (upstream's {@code
   * validateContainerLogStatus}).
   *
   * @throws IllegalStateException with upstream's message when there is none to read
   */
  static String containerId(Pod pod, String container, boolean previous) {
    String podName = pod.getMetadata().getName();
    ContainerStatus status = statusOf(pod, container);
    if (status == null) {
      throw new IllegalStateException(
          "container \"" + container + "\" in pod \"" + podName + "\" is not available");
    }
    ContainerStateTerminated last =
        status.getLastState() == null ? null : status.getLastState().getTerminated();
    var state = status.getState();
    if (previous) {
      if (last == null || blank(last.getContainerID())) {
        throw new IllegalStateException(
            "previous terminated container \""
                + container
                + "\" in pod \""
                + podName
                + "\" not found");
      }
      return runtimeId(last.getContainerID());
    }
    if (state != null && state.getRunning() != null && !blank(status.getContainerID())) {
      return runtimeId(status.getContainerID());
    }
    if (state != null && state.getTerminated() != null) {
      String id = state.getTerminated().getContainerID();
      if (blank(id)) {
        id = last == null ? null : last.getContainerID();
      }
      if (blank(id)) {
        throw new IllegalStateException(
            "container \"" + container + "\" in pod \"" + podName + "\" is terminated");
      }
      return runtimeId(id);
    }
    if (last != null) {
      if (blank(last.getContainerID())) {
        throw new IllegalStateException(
            "container \"" + container + "\" in pod \"" + podName + "\" is terminated");
      }
      return runtimeId(last.getContainerID());
    }
    ContainerStateWaiting waiting = state == null ? null : state.getWaiting();
    if (waiting != null) {
      String why =
          switch (String.valueOf(waiting.getReason())) {
            case "ErrImagePull" -> "image can't be pulled";
            case "ImagePullBackOff" -> "trying and failing to pull image";
            default -> waiting.getReason();
          };
      throw new IllegalStateException(
          "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start: " + why);
    }
    throw new IllegalStateException(
        "container \""
            + container
            + "\" in pod \""
            + podName
            + "\" is waiting to start - no logs yet");
  }

  private static ContainerStatus statusOf(Pod pod, String container) {
    if (pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> all = new ArrayList<>();
    for (List<ContainerStatus> l :
        List.of(
            nz(pod.getStatus().getContainerStatuses()),
            nz(pod.getStatus().getInitContainerStatuses()),
            nz(pod.getStatus().getEphemeralContainerStatuses()))) {
      all.addAll(l);
    }
    return all.stream().filter(s -> container.equals(s.getName())).findFirst().orElse(null);
  }

  private static <T> List<T> nz(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }

  private static String runtimeId(String containerId) {
    int i = containerId.indexOf("://");
    return i < 0 ? containerId : containerId.substring(i + 3);
  }
}

package io.k8j.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStateValue;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxState;
import io.k8j.cri.v1.PodSandboxStateValue;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.StreamingRuntime;
import io.k8j.streaming.Negotiation;
import io.k8j.streaming.OpenSessions;
import io.k8j.streaming.portforward.PortForwardServer;
import io.k8j.streaming.remotecommand.RemoteCommandServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's streaming endpoints: {@code /exec/{ns}/{pod}[/{uid}]/{container}}, {@code
 * /attach/...} and {@code /portForward/{ns}/{pod}[/{uid}]}. The server's auth filter has already
 * authorized the caller for {@code nodes/proxy} ({@link KubeletAuth}); without one (a kubelet
 * serving no authentication) nobody streams.
 */
final class StreamingHandler {
  private static final Logger log = LoggerFactory.getLogger(StreamingHandler.class);

  private final Supplier<List<Pod>> pods;
  private final ContainerRuntime runtime;
  private final Map<String, OpenSessions> open;

  /**
   * @param open the sessions open now of each kind ({@code exec}, {@code attach}, {@code
   *     portForward}), counted here
   */
  StreamingHandler(
      Supplier<List<Pod>> pods, ContainerRuntime runtime, Map<String, OpenSessions> open) {
    this.pods = pods;
    this.runtime = runtime;
    this.open = open;
  }

  void handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String[] parts = path.substring(1).split("/");
    if (!(request.getAttribute(KubeletServer.CALLER) instanceof KubeletAuth.Caller caller)) {
      Negotiation.reject(response, callback, 401, "Unauthorized");
      return;
    }
    String user = caller.name();
    if (!(runtime instanceof StreamingRuntime streaming)) {
      Negotiation.reject(
          response, callback, 501, "the " + runtime.name() + " runtime does not stream");
      return;
    }
    String kind = parts[0];
    boolean portForward = kind.equals("portForward");
    int min = portForward ? 3 : 4;
    if (parts.length < min || parts.length > min + 1) {
      Negotiation.reject(response, callback, 404, "404 page not found");
      return;
    }
    Optional<Pod> pod = find(parts[1], parts[2]);
    if (pod.isEmpty()) {
      Negotiation.reject(response, callback, 404, "pod does not exist");
      return;
    }
    String uid = pod.get().getMetadata().getUid();
    String description = kind + " " + parts[1] + "/" + parts[2];
    if (portForward) {
      Optional<String> sandbox = sandboxOf(uid);
      if (sandbox.isEmpty()) {
        Negotiation.reject(response, callback, 400, "pod " + parts[2] + " is not running");
        return;
      }
      log.info("{}: port-forward session by {}", description, user);
      PortForwardServer.serve(
          request,
          response,
          callback,
          "pod " + parts[2] + ", uid " + uid,
          open.get(kind),
          (port, in, out) -> streaming.portForward(sandbox.get(), port, in, out));
      return;
    }
    String containerName = parts[parts.length - 1];
    Optional<String> container = containerOf(uid, containerName);
    if (container.isEmpty()) {
      Negotiation.reject(
          response, callback, 404, "container not found (\"" + containerName + "\")");
      return;
    }
    RemoteCommandServer.Options options = RemoteCommandServer.Options.from(request);
    boolean attach = kind.equals("attach");
    if (!attach && options.command().isEmpty()) {
      Negotiation.reject(response, callback, 400, "command is required");
      return;
    }
    description = description + "/" + containerName;
    log.info("{}: {} session by {} {}", description, kind, user, attach ? "" : options.command());
    RemoteCommandServer.serve(
        request,
        response,
        callback,
        options,
        description,
        open.get(kind),
        io -> {
          if (attach) {
            streaming.attach(container.get(), io);
            return 0;
          }
          return streaming.exec(container.get(), options.command(), io);
        });
  }

  private Optional<Pod> find(String namespace, String name) {
    return pods.get().stream()
        .filter(
            p ->
                namespace.equals(p.getMetadata().getNamespace())
                    && name.equals(p.getMetadata().getName()))
        .findFirst();
  }

  private Optional<String> containerOf(String podUid, String name) {
    return runtime
        .listContainers(
            ContainerFilter.newBuilder()
                .setState(
                    ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                .putLabelSelector(Labels.POD_UID, podUid)
                .putLabelSelector(Labels.CONTAINER_NAME, name)
                .build())
        .stream()
        .map(io.k8j.cri.v1.Container::getId)
        .findFirst();
  }

  private Optional<String> sandboxOf(String podUid) {
    return runtime
        .listPodSandbox(
            PodSandboxFilter.newBuilder()
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))
                .putLabelSelector(Labels.POD_UID, podUid)
                .build())
        .stream()
        .map(io.k8j.cri.v1.PodSandbox::getId)
        .findFirst();
  }
}

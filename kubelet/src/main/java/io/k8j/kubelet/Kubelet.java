package io.k8j.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.common.Clock;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.RuntimeCondition;
import io.k8j.kubelet.config.MirrorPods;
import io.k8j.kubelet.config.StaticPodSource;
import io.k8j.kubelet.env.EnvResolver;
import io.k8j.kubelet.events.ApiEventRecorder;
import io.k8j.kubelet.eviction.EvictionManager;
import io.k8j.kubelet.images.BusyboxImage;
import io.k8j.kubelet.images.ImageImporter;
import io.k8j.kubelet.images.ImageManager;
import io.k8j.kubelet.kuberuntime.LifecycleHandlers;
import io.k8j.kubelet.kuberuntime.RuntimeManager;
import io.k8j.kubelet.kuberuntime.RuntimeStateReader;
import io.k8j.kubelet.kuberuntime.SandboxConfigs;
import io.k8j.kubelet.logs.ContainerLogManager;
import io.k8j.kubelet.logs.ContainerLogReader;
import io.k8j.kubelet.network.CniNetworkConfig;
import io.k8j.kubelet.network.HostCommand;
import io.k8j.kubelet.network.HostGatewayRoutes;
import io.k8j.kubelet.network.PodBridge;
import io.k8j.kubelet.network.PodCidrs;
import io.k8j.kubelet.node.MachineInfo;
import io.k8j.kubelet.node.NodeLease;
import io.k8j.kubelet.node.NodeStatusManager;
import io.k8j.kubelet.objects.ApiObjects;
import io.k8j.kubelet.pleg.Pleg;
import io.k8j.kubelet.pod.Housekeeping;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.kubelet.pod.PodSyncer;
import io.k8j.kubelet.pod.PodWorkers;
import io.k8j.kubelet.prober.Prober;
import io.k8j.kubelet.prober.ProberManager;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.cri.Containerd;
import io.k8j.kubelet.runtime.cri.ContainerdConfig;
import io.k8j.kubelet.runtime.cri.CriRuntime;
import io.k8j.kubelet.runtime.process.ProcessRuntime;
import io.k8j.kubelet.runtime.simulated.SimulatedRuntime;
import io.k8j.kubelet.server.ApiServerReviews;
import io.k8j.kubelet.server.ClientCa;
import io.k8j.kubelet.server.ContainerLogsHandler;
import io.k8j.kubelet.server.KubeletAuth;
import io.k8j.kubelet.server.KubeletMetrics;
import io.k8j.kubelet.server.KubeletServer;
import io.k8j.kubelet.server.StatsHandler;
import io.k8j.kubelet.stats.NodeUsage;
import io.k8j.kubelet.stats.StatsCollector;
import io.k8j.kubelet.status.PodStartupTracker;
import io.k8j.kubelet.status.PodStatusGenerator;
import io.k8j.kubelet.status.StatusContainerLookup;
import io.k8j.kubelet.status.StatusManager;
import io.k8j.kubelet.util.BackOff;
import io.k8j.kubelet.util.Json;
import io.k8j.kubelet.volume.VolumeManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent. It registers its Node, keeps a Lease and the node's status, watches the API
 * server for pods bound to it (and reads static pods from its manifest directory), runs them
 * through a container runtime (containerd over the CRI, host processes, or a simulation), probes
 * them, restarts them, and reports their status.
 *
 * <pre>{@code
 * Kubelet kubelet = new Kubelet(client, KubeletOptions.builder("node-1", dataDir).build());
 * kubelet.start();
 * ...
 * kubelet.close(); // the pods keep running; a new kubelet on the same data directory adopts them
 * }</pre>
 */
public final class Kubelet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Kubelet.class);
  private static final Duration LOG_POLL_INTERVAL = Duration.ofMillis(250);

  private final KubernetesClient client;
  private final KubeletOptions options;
  private final AgentPaths paths;
  private final Clock clock;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Containerd containerd;
  private PodBridge podBridge;
  private ContainerRuntime runtime;
  private String runtimeDescription;
  private NodeStatusManager nodeStatus;
  private PodManager pods;
  private StatusManager statuses;
  private PodStartupTracker startups;
  private PodWorkers workers;
  private KubeletServer server;
  private StatsCollector stats;
  private Pleg pleg;
  private volatile RuntimeStateReader stateReader;
  private volatile EvictionManager eviction;
  private int port;
  private volatile boolean started;

  public Kubelet(KubernetesClient client, KubeletOptions options) {
    this.client = client;
    this.options = options;
    this.paths = new AgentPaths(options.dataDir());
    this.clock = options.clock();
  }

  public String nodeName() {
    return options.nodeName();
  }

  public KubeletOptions options() {
    return options;
  }

  /** The read-only port it listens on (the chosen one when asked for any); -1 when none. */
  public int readOnlyPort() {
    return server == null ? -1 : server.readOnlyPort();
  }

  /** The kubelet API's port (the chosen one when configured with 0); -1 when it serves none. */
  public int port() {
    return port;
  }

  public ContainerRuntime runtime() {
    return runtime;
  }

  /**
   * The containerd this kubelet started or adopted; empty with another runtime or a given socket.
   */
  public Optional<Containerd> containerd() {
    return Optional.ofNullable(containerd);
  }

  /** Which runtime runs the pods, for {@code k8j server} to print at start. */
  public String runtimeDescription() {
    return runtimeDescription;
  }

  public AgentPaths paths() {
    return paths;
  }

  /** Where each pod's start went (for {@code k8j bench pods}); null before {@link #start()}. */
  public PodStartupTracker startupTracker() {
    return startups;
  }

  /** The pods this kubelet runs, with the status it last generated (what {@code /pods} serves). */
  public List<Pod> runningPods() {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods.all()) {
      Pod copy = Json.copy(p);
      statuses.get(p.getMetadata().getUid()).ifPresent(s -> copy.setStatus(Json.copy(s)));
      out.add(copy);
    }
    return out;
  }

  /** The pod of that namespace and name this kubelet runs, with the status it last generated. */
  public Optional<Pod> podByName(String namespace, String name) {
    if (pods == null) {
      return Optional.empty();
    }
    for (Pod p : pods.all()) {
      if (p.getMetadata().getNamespace().equals(namespace)
          && p.getMetadata().getName().equals(name)) {
        Pod copy = Json.copy(p);
        statuses.get(p.getMetadata().getUid()).ifPresent(s -> copy.setStatus(Json.copy(s)));
        return Optional.of(copy);
      }
    }
    return Optional.empty();
  }

  public synchronized void start() throws Exception {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    Files.createDirectories(paths.agent());
    String nodeIp = options.nodeIp() != null ? options.nodeIp() : MachineInfo.detectNodeIp();
    runtime = createRuntime(nodeIp);
    if (podBridge != null) {
      closeables.add(podBridge);
    }
    closeables.add(runtime);
    if (!runtime.simulated()) {
      importImages();
    }
    MachineInfo machine = MachineInfo.read(options.dataDir());
    ApiEventRecorder events = new ApiEventRecorder(client, options.nodeName(), clock);
    closeables.add(events);
    String runtimeVersion = runtime.name() + "://" + runtime.version().getRuntimeVersion();
    pods = new PodManager();
    BackOff crashBackOff =
        new BackOff(clock, options.crashLoopBackOffInitial(), options.crashLoopBackOffMax());
    BackOff pullBackOff =
        new BackOff(clock, options.imagePullBackOffInitial(), options.imagePullBackOffMax());

    pleg =
        new Pleg(
            runtime,
            clock,
            options.plegRelistPeriod(),
            uid -> workers.sync(uid),
            uid -> stateReader == null ? null : stateReader.lastRead(uid));
    nodeStatus =
        new NodeStatusManager(
            client,
            options,
            machine,
            nodeIp,
            () -> runtimeVersion,
            this::health,
            () -> port,
            events);
    closeables.add(nodeStatus);
    port = options.port() < 0 ? -1 : options.port();
    if (options.port() >= 0) {
      server =
          new KubeletServer(
              options.nodeName(),
              nodeIp,
              options.bindAddress(),
              options.port(),
              this::runningPods,
              machine,
              () -> pleg.healthy());
      ContainerLogsHandler logs =
          new ContainerLogsHandler(
              this::podByName, runtime, new ContainerLogReader(clock, LOG_POLL_INTERVAL), clock);
      server.route("/containerLogs/", logs::handle);
      stats =
          new StatsCollector(
              runtime, new NodeUsage(Path.of("/proc")), clock, options.statsInterval());
      if (!runtime.simulated()) {
        stats.start();
        closeables.add(stats);
      }
      StatsHandler statsHandler = new StatsHandler(options.nodeName(), stats);
      server.route("/stats/summary", statsHandler::summary);
      server.route("/metrics/resource", statsHandler::resourceMetrics);
      server.route(
          "/metrics",
          new KubeletMetrics(
                  () -> pods == null ? 0 : pods.all().size(),
                  () -> stats.containers().size(),
                  logs::followers,
                  server.streamingSessions(),
                  stats::samplesTaken)
              ::handle);
      KeyStore clusterCa = ClientCa.of(client.getConfiguration());
      if (clusterCa != null) {
        server.authenticateWith(
            clusterCa, new KubeletAuth(options.nodeName(), new ApiServerReviews(client), clock));
      }
      if (options.readOnlyPort() != 0) {
        server.serveReadOnly(options.bindAddress(), Math.max(0, options.readOnlyPort()));
      }
      server.serveStreaming(runtime);
      server.start();
      port = server.port();
      if (options.readOnlyPort() != 0) {
        log.info("kubelet read-only API on port {}", server.readOnlyPort());
      }
      closeables.add(server);
    }
    nodeStatus.register();
    if (options.podCidr() == null) {
      startPodNetwork(nodeStatus.node(), nodeIp);
    }
    nodeStatus.start();
    NodeLease lease =
        new NodeLease(
            client,
            options.nodeName(),
            options.nodeLeaseDurationSeconds(),
            options.nodeLeaseRenewInterval(),
            clock,
            nodeStatus::node);
    lease.start();
    closeables.add(lease);

    ApiObjects objects = new ApiObjects(client, clock);
    closeables.add(objects);
    if (!runtime.simulated()) {
      // the Service environment variables of the first pod need not wait for the list
      objects.watchServices();
    }
    startups = new PodStartupTracker(clock);
    statuses = new StatusManager(client, pods, startups);
    VolumeManager volumes =
        new VolumeManager(paths.pods(), objects, objects, objects, nodeStatus::allocatable);
    EnvResolver env = new EnvResolver(objects, nodeStatus::allocatable);
    ImageManager images = new ImageManager(runtime, events, pullBackOff, clock);
    Prober prober = new Prober(runtime);
    RuntimeManager runtimeManager =
        new RuntimeManager(
            runtime,
            new SandboxConfigs(paths.podLogs(), options.clusterDomain(), options.clusterDns()),
            images,
            env,
            volumes,
            new LifecycleHandlers(runtime, prober, clock),
            events,
            crashBackOff,
            clock,
            () -> nodeIp,
            machine::memoryBytes,
            startups);
    ProberManager probers =
        new ProberManager(
            prober, new StatusContainerLookup(statuses), events, clock, uid -> workers.sync(uid));
    closeables.add(probers);
    MirrorPods mirrors = new MirrorPods(client, pods, nodeStatus::node);
    RuntimeStateReader reader = runtimeManager.reader();
    stateReader = reader;
    PodSyncer syncer =
        new PodSyncer(
            reader,
            runtimeManager,
            volumes,
            probers,
            new PodStatusGenerator(runtime.name()),
            statuses,
            pods,
            events,
            clock,
            () -> nodeIp,
            mirrors::ensure,
            this::deleteFromApi,
            !runtime.simulated());
    workers = new PodWorkers(syncer, clock, options.syncFrequency());

    StaticPodSource staticPods =
        new StaticPodSource(
            options.staticPodPath(),
            options.nodeName(),
            options.fileCheckFrequency(),
            clock,
            p -> {
              pods.put(p);
              workers.update(p);
            },
            uid -> {
              pods.get(uid).flatMap(pods::mirrorOf).ifPresent(mirrors::delete);
              pods.remove(uid);
              workers.remove(uid);
            });
    staticPods.start();
    closeables.add(staticPods);

    SharedIndexInformer<Pod> informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", options.nodeName())
            .inform(new PodHandler(mirrors), 0);
    closeables.add(informer::close);
    informer.start().toCompletableFuture().get(2, TimeUnit.MINUTES);

    pleg.start();
    closeables.add(pleg);
    closeables.add(workers);
    closeables.add(statuses::close);
    Housekeeping housekeeping =
        new Housekeeping(
            pods,
            workers,
            pleg,
            reader,
            runtimeManager,
            volumes,
            mirrors,
            List.of(crashBackOff, pullBackOff),
            clock,
            options.housekeepingPeriod(),
            !runtime.simulated());
    housekeeping.start();
    closeables.add(housekeeping);
    eviction =
        new EvictionManager(
            pods,
            workers,
            statuses,
            events,
            clock,
            options.evictionMonitoringPeriod(),
            options.evictionMemoryAvailableBytes());
    eviction.start();
    closeables.add(eviction);
    if (!runtime.simulated()) {
      ContainerLogManager logs =
          new ContainerLogManager(
              runtime,
              clock,
              options.containerLogMaxSize(),
              options.containerLogMaxFiles(),
              options.containerLogMonitorInterval());
      logs.start();
      closeables.add(logs);
    }
    log.info(
        "kubelet {} started: {} runtime ({}), API on port {}",
        options.nodeName(),
        runtime.name(),
        runtimeDescription,
        port);
  }

  private ContainerRuntime createRuntime(String nodeIp) throws Exception {
    switch (options.runtime()) {
      case SIMULATED -> {
        requireStaticPodCidr();
        runtimeDescription = "simulated: pods run no process";
        return new SimulatedRuntime(clock, options.podCidr());
      }
      case PROCESS -> {
        requireStaticPodCidr();
        CniNetworkConfig net = podNetwork(options.podCidr());
        ProcessRuntime p = new ProcessRuntime(paths.process(), net, clock, nodeIp);
        runtimeDescription = "process: " + p.isolation();
        return p;
      }
      default -> {
        if (options.containerdSocket() != null) {
          requireStaticPodCidr();
          runtimeDescription = "containerd on " + options.containerdSocket();
          return new CriRuntime(options.containerdSocket());
        }
        if (options.podCidr() != null) {
          podNetwork(options.podCidr());
        } else {
          Files.createDirectories(paths.cniConfDir());
        }
        ContainerdConfig config =
            new ContainerdConfig(
                paths.containerdRoot(),
                paths.containerdState(),
                paths.containerdSocket(),
                paths.cniConfDir(),
                CniNetworkConfig.DEFAULT_BIN_DIR,
                BusyboxImage.PAUSE_IMAGE);
        containerd = Containerd.start(config, paths.containerd());
        runtimeDescription = "containerd pid " + containerd.pid() + " on " + config.socket();
        return new CriRuntime(config.socket());
      }
    }
  }

  /**
   * Writes the node's CNI network for {@code podCidr} and, as root, clears stale bridges in its
   * way; the bridge goes again at shutdown once no pod is on it.
   */
  private CniNetworkConfig podNetwork(String podCidr) {
    CniNetworkConfig net = CniNetworkConfig.forNode(options.nodeName(), podCidr, paths.agent());
    net.writeTo(paths.cniConfDir());
    if (PodBridge.root()) {
      podBridge = new PodBridge(net, HostCommand.PROCESS);
      podBridge.replaceStale();
    }
    return net;
  }

  private void requireStaticPodCidr() {
    if (options.podCidr() == null) {
      throw new IllegalArgumentException(
          "a pod range from the Node needs the kubelet's own containerd (runtime CRI without a"
              + " containerd socket); give this node a pod CIDR");
    }
  }

  /**
   * Waits for the controller manager to give the Node its pod range, builds the CNI bridge on it
   * (containerd picks the new conflist up) and routes to the other nodes' ranges.
   */
  private void startPodNetwork(Node registered, String nodeIp) throws Exception {
    String podCidr = PodCidrs.await(client, options.nodeName(), registered, clock);
    podNetwork(podCidr);
    if (podBridge != null) {
      closeables.add(podBridge);
    }
    HostGatewayRoutes routes =
        new HostGatewayRoutes(
            client, options.nodeName(), options.clusterCidr(), HostCommand.PROCESS);
    closeables.add(routes);
    routes.start();
    log.info("node {}: pod CIDR {}, address {}", options.nodeName(), podCidr, nodeIp);
  }

  /** The pause image (made from busybox when missing), then {@code <agent>/images/*.tar}. */
  private void importImages() throws Exception {
    if (runtime instanceof CriRuntime
        && runtime
            .imageStatus(ImageSpec.newBuilder().setImage(BusyboxImage.PAUSE_IMAGE).build())
            .isEmpty()) {
      if (!BusyboxImage.available()) {
        log.warn(
            "no {} to build the pause image from; sandboxes need {}",
            BusyboxImage.BUSYBOX,
            BusyboxImage.PAUSE_IMAGE);
      } else {
        Path tmp = Files.createTempFile(paths.agent(), "pause", ".tar");
        try {
          BusyboxImage.writePause(tmp);
          runtime.importImages(tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    }
    ImageImporter.importDirectory(runtime, paths.images());
  }

  private NodeStatusManager.Health health() {
    boolean ready = pleg == null || pleg.healthy();
    String message = ready ? "" : "PLEG is not healthy: the container runtime does not answer";
    try {
      for (RuntimeCondition c : runtime.status().getStatus().getConditionsList()) {
        if (!c.getStatus()
            && (c.getType().equals("RuntimeReady") || c.getType().equals("NetworkReady"))) {
          ready = false;
          message =
              "container runtime "
                  + (c.getType().equals("NetworkReady") ? "network " : "")
                  + "not ready: "
                  + c.getType()
                  + "=false reason:"
                  + c.getReason()
                  + " message:"
                  + c.getMessage();
        }
      }
    } catch (RuntimeException e) {
      ready = false;
      message = "container runtime is down: " + e.getMessage();
    }
    EvictionManager e = eviction;
    return new NodeStatusManager.Health(
        ready, message, e != null && e.memoryPressure(), false, false);
  }

  private void deleteFromApi(Pod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** Pod events from the API server: desired pods to workers, mirror pods to the pod manager. */
  private final class PodHandler implements ResourceEventHandler<Pod> {
    private final MirrorPods mirrors;

    PodHandler(MirrorPods mirrors) {
      this.mirrors = mirrors;
    }

    @Override
    public void onAdd(Pod pod) {
      if (PodManager.isMirror(pod)) {
        pods.putMirror(pod);
        staticOf(pod)
            .ifPresent(
                s -> {
                  statuses.resend(s.getMetadata().getUid());
                  workers.sync(s.getMetadata().getUid());
                });
        return;
      }
      pods.put(pod);
      startups.seen(pod);
      workers.update(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod pod) {
      if (!PodManager.isMirror(pod)
          && pods.get(pod.getMetadata().getUid()).isPresent()
          && !PodManager.differsForSync(oldPod, pod)) {
        pods.put(pod);
        return;
      }
      onAdd(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean unknownFinalState) {
      if (PodManager.isMirror(pod)) {
        pods.removeMirror(pod);
        staticOf(pod).ifPresent(s -> workers.sync(s.getMetadata().getUid()));
        return;
      }
      pods.remove(pod.getMetadata().getUid());
      workers.remove(pod.getMetadata().getUid());
    }

    private Optional<Pod> staticOf(Pod mirror) {
      return pods.all().stream()
          .filter(PodManager::isStatic)
          .filter(
              p ->
                  p.getMetadata().getName().equals(mirror.getMetadata().getName())
                      && p.getMetadata().getNamespace().equals(mirror.getMetadata().getNamespace()))
          .findFirst();
    }
  }

  /**
   * Stops the kubelet. Pods keep running (containerd and its shims stay up only if adopted later).
   */
  @Override
  public synchronized void close() {
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("error while closing {}: {}", c, e.toString());
      }
    }
    closeables.clear();
    if (containerd != null) {
      containerd.close();
    }
  }

  /** The status the kubelet last generated for a pod (for tests and the kubelet API). */
  public Optional<PodStatus> podStatus(String uid) {
    return statuses == null ? Optional.empty() : statuses.get(uid);
  }
}

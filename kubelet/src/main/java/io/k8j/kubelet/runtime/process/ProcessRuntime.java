package io.k8j.kubelet.runtime.process;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.k8j.common.Clock;
import io.k8j.cri.v1.AuthConfig;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStatus;
import io.k8j.cri.v1.ContainerStatusResponse;
import io.k8j.cri.v1.ExecSyncResponse;
import io.k8j.cri.v1.Image;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.NamespaceMode;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxNetworkStatus;
import io.k8j.cri.v1.PodSandboxState;
import io.k8j.cri.v1.PodSandboxStatus;
import io.k8j.cri.v1.PodSandboxStatusResponse;
import io.k8j.cri.v1.StatusResponse;
import io.k8j.cri.v1.VersionResponse;
import io.k8j.kubelet.images.ImageArchive;
import io.k8j.kubelet.images.ImageNames;
import io.k8j.kubelet.network.CniNetworkConfig;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.InProcessRuntimes;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.kubelet.runtime.StreamingRuntime;
import io.k8j.kubelet.util.Json;
import io.k8j.streaming.remotecommand.StreamIo;
import io.k8j.streaming.remotecommand.StreamingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods as host processes. A sandbox is a network namespace with an address from the node's CNI
 * bridge when running as root (otherwise, and for hostNetwork pods, the node's network); a
 * container is its command and args run in that namespace, in a private mount namespace where its
 * volumes are bind-mounted at their paths (missing mount points are created on the host), in a
 * cgroup with its memory and cpu limits, its output written in the CRI log format. Images are not
 * used: every image is present. Containers do not survive the kubelet: closing stops them and
 * releases their namespaces; at start, what a crashed run left is killed and released (also the
 * namespaces of runtimes that are gone, see {@link PodNetnsOwners}), and the kubelet starts the
 * pods again.
 */
public final class ProcessRuntime implements ContainerRuntime, StreamingRuntime {
  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final Path NETNS_RECORDS = Path.of("/run/k8j/netns");
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path stateDir;
  private final CniPlugin cni;
  private final CniNetworkConfig net;
  private final Clock clock;
  private final InProcessRuntimes.Timestamps timestamps;
  private final String hostIp;
  private final boolean root;
  private final boolean cgroups;
  private final ProcessStreaming streaming;
  private final Map<String, ProcessSandbox> sandboxes = new ConcurrentHashMap<>();
  private final Map<String, ProcessContainer> containers = new ConcurrentHashMap<>();
  private final PodNetnsOwners netnsOwners;

  /**
   * @param net the node's network; null runs every pod in the node's network namespace
   */
  public ProcessRuntime(Path stateDir, CniNetworkConfig net, Clock clock, String hostIp) {
    this.stateDir = stateDir;
    this.root = "root".equals(System.getProperty("user.name"));
    this.net = root ? net : null;
    this.cni = this.net == null ? null : new CniPlugin(this.net);
    this.clock = clock;
    this.timestamps = new InProcessRuntimes.Timestamps(clock);
    this.hostIp = hostIp;
    this.cgroups = root && Cgroups.available();
    this.streaming = new ProcessStreaming(this, root);
    this.netnsOwners =
        this.net == null
            ? null
            : new PodNetnsOwners(
                NETNS_RECORDS, Path.of("/var/run/netns"), stateDir, n -> pidsIn(n).isEmpty());
    try {
      Files.createDirectories(stateDir.resolve("sandboxes"));
      Files.createDirectories(stateDir.resolve("containers"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cleanUpPreviousRun();
  }

  /** How pods are isolated here, for the kubelet's start message. */
  public String isolation() {
    if (!root) {
      return "not root: pods share the node's network and file system, without resource limits";
    }
    return "each pod in its own network namespace on bridge "
        + net.bridge()
        + (cgroups ? ", resources in cgroups" : ", no cgroups");
  }

  @Override
  public String name() {
    return "process";
  }

  long now() {
    return timestamps.next();
  }

  @Override
  public VersionResponse version() {
    return InProcessRuntimes.version("process");
  }

  @Override
  public StatusResponse status() {
    return InProcessRuntimes.ready();
  }

  // ---- sandboxes

  @Override
  public String runPodSandbox(PodSandboxConfig config) {
    String id = UUID.randomUUID().toString().replace("-", "");
    boolean hostNetwork =
        config.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()
            == NamespaceMode.NODE;
    String netns = null;
    String ip = hostIp;
    if (cni != null && !hostNetwork) {
      netns = PodNetnsOwners.PREFIX + id.substring(0, 12);
      try {
        netnsOwners.record(netns);
        run("ip", "netns", "add", netns);
        run("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up");
        ip = cni.add(id, "/var/run/netns/" + netns);
      } catch (IOException e) {
        releaseNetwork(id, netns);
        throw new RuntimeCallException(
            RuntimeCallException.Code.FAILED,
            "failed to set up the pod network: " + e.getMessage(),
            e);
      }
    }
    ProcessSandbox s = new ProcessSandbox(id, config, now(), netns, ip);
    sandboxes.put(id, s);
    save(s);
    return id;
  }

  @Override
  public void stopPodSandbox(String sandboxId) {
    ProcessSandbox s = sandboxes.get(sandboxId);
    if (s == null) {
      return;
    }
    for (ProcessContainer c : containers.values()) {
      if (c.sandboxId.equals(sandboxId)) {
        c.kill(Duration.ZERO);
      }
    }
    synchronized (s) {
      if (s.state == PodSandboxState.SANDBOX_READY) {
        releaseNetwork(s.id, s.netns);
        s.state = PodSandboxState.SANDBOX_NOTREADY;
      }
    }
  }

  private void releaseNetwork(String id, String netns) {
    if (netns == null) {
      return;
    }
    try {
      cni.del(id, "/var/run/netns/" + netns);
    } catch (IOException e) {
      log.warn("CNI DEL of {} failed: {}", netns, e.getMessage());
    }
    try {
      run("ip", "netns", "del", netns);
      netnsOwners.forget(netns);
    } catch (IOException e) {
      log.warn("could not delete network namespace {}: {}", netns, e.getMessage());
    }
  }

  @Override
  public void removePodSandbox(String sandboxId) {
    stopPodSandbox(sandboxId);
    for (ProcessContainer c : List.copyOf(containers.values())) {
      if (c.sandboxId.equals(sandboxId)) {
        removeContainer(c.id);
      }
    }
    sandboxes.remove(sandboxId);
    if (cgroups) {
      new Cgroups("k8j/" + sandboxId).remove();
    }
    delete(stateDir.resolve("sandboxes").resolve(sandboxId + ".json"));
  }

  @Override
  public PodSandboxStatusResponse podSandboxStatus(String sandboxId) {
    ProcessSandbox s = sandboxes.get(sandboxId);
    if (s == null) {
      throw RuntimeCallException.notFound("sandbox " + sandboxId);
    }
    return PodSandboxStatusResponse.newBuilder()
        .setStatus(
            PodSandboxStatus.newBuilder()
                .setId(s.id)
                .setMetadata(s.config.getMetadata())
                .setState(s.state)
                .setCreatedAt(s.createdAt)
                .setNetwork(
                    PodSandboxNetworkStatus.newBuilder()
                        .setIp(s.state == PodSandboxState.SANDBOX_READY ? s.ip : ""))
                .putAllLabels(s.config.getLabelsMap())
                .putAllAnnotations(s.config.getAnnotationsMap()))
        .build();
  }

  @Override
  public List<PodSandbox> listPodSandbox(PodSandboxFilter filter) {
    List<PodSandbox> out = new ArrayList<>();
    for (ProcessSandbox s : sandboxes.values()) {
      if (filter != null
          && ((!filter.getId().isEmpty() && !filter.getId().equals(s.id))
              || (filter.hasState() && filter.getState().getState() != s.state)
              || !matches(s.config.getLabelsMap(), filter.getLabelSelectorMap()))) {
        continue;
      }
      out.add(
          PodSandbox.newBuilder()
              .setId(s.id)
              .setMetadata(s.config.getMetadata())
              .setState(s.state)
              .setCreatedAt(s.createdAt)
              .putAllLabels(s.config.getLabelsMap())
              .putAllAnnotations(s.config.getAnnotationsMap())
              .build());
    }
    return out;
  }

  static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    for (var e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  // ---- containers

  @Override
  public String createContainer(
      String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
    ProcessSandbox s = sandboxes.get(sandboxId);
    if (s == null || s.state != PodSandboxState.SANDBOX_READY) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "sandbox " + sandboxId + " is not ready");
    }
    if (config.getCommandCount() == 0 && config.getArgsCount() == 0) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED,
          "the process runtime needs a command: images are not run, so there is no entrypoint");
    }
    String id = UUID.randomUUID().toString().replace("-", "");
    Path logPath = Path.of(sandboxConfig.getLogDirectory()).resolve(config.getLogPath());
    ProcessContainer c = new ProcessContainer(this, id, s, config, now(), logPath);
    containers.put(id, c);
    return id;
  }

  @Override
  public void startContainer(String containerId) {
    ProcessContainer c = get(containerId);
    try {
      c.start(launcher(c));
      Files.writeString(
          stateDir.resolve("containers").resolve(c.id + ".pid"), Long.toString(c.pid()));
    } catch (IOException e) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "failed to start container: " + e.getMessage(), e);
    }
  }

  /** The command line that puts the container's process where it belongs, then execs it. */
  private List<String> launcher(ProcessContainer c) throws IOException {
    List<String> cmd = new ArrayList<>();
    Cgroups cg = null;
    if (cgroups) {
      var r = c.config.getLinux().getResources();
      cg = new Cgroups("k8j/" + c.sandbox.id + "/" + c.id);
      cg.create(r.getMemoryLimitInBytes(), r.getCpuShares(), r.getCpuQuota(), r.getCpuPeriod());
      c.cgroups = cg;
    }
    if (cg != null) {
      cmd.addAll(List.of("/bin/sh", "-c", ContainerScript.joinCgroups(cg.procsFiles()), "sh"));
    }
    String script = ContainerScript.build(c.config, root);
    if (root) {
      if (c.sandbox.netns != null) {
        cmd.addAll(List.of("ip", "netns", "exec", c.sandbox.netns));
      } else {
        cmd.addAll(List.of("unshare", "--mount", "--propagation", "private"));
      }
    }
    cmd.addAll(List.of("/bin/sh", "-c", script, "sh"));
    cmd.addAll(c.config.getCommandList());
    cmd.addAll(c.config.getArgsList());
    return cmd;
  }

  Map<String, String> environment(ContainerConfig config, ProcessSandbox s) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOSTNAME", s.config.getHostname());
    env.put("HOME", "/root");
    config.getEnvsList().forEach(kv -> env.put(kv.getKey(), kv.getValue()));
    return env;
  }

  @Override
  public void stopContainer(String containerId, long timeoutSeconds) {
    ProcessContainer c = containers.get(containerId);
    if (c != null) {
      c.kill(Duration.ofSeconds(Math.max(0, timeoutSeconds)));
    }
  }

  @Override
  public void removeContainer(String containerId) {
    ProcessContainer c = containers.remove(containerId);
    if (c != null) {
      c.kill(Duration.ZERO);
      c.close();
      delete(stateDir.resolve("containers").resolve(containerId + ".pid"));
    }
  }

  @Override
  public List<Container> listContainers(ContainerFilter filter) {
    List<Container> out = new ArrayList<>();
    for (ProcessContainer c : containers.values()) {
      ContainerState state = c.state();
      if (filter != null
          && ((!filter.getId().isEmpty() && !filter.getId().equals(c.id))
              || (!filter.getPodSandboxId().isEmpty()
                  && !filter.getPodSandboxId().equals(c.sandboxId))
              || (filter.hasState() && filter.getState().getState() != state)
              || !matches(c.config.getLabelsMap(), filter.getLabelSelectorMap()))) {
        continue;
      }
      out.add(
          Container.newBuilder()
              .setId(c.id)
              .setPodSandboxId(c.sandboxId)
              .setMetadata(c.config.getMetadata())
              .setImage(c.config.getImage())
              .setImageRef(imageId(c.config.getImage().getImage()))
              .setState(state)
              .setCreatedAt(c.createdAt)
              .putAllLabels(c.config.getLabelsMap())
              .putAllAnnotations(c.config.getAnnotationsMap())
              .build());
    }
    return out;
  }

  @Override
  public ContainerStatusResponse containerStatus(String containerId) {
    ProcessContainer c = get(containerId);
    ContainerStatus.Builder b =
        ContainerStatus.newBuilder()
            .setId(c.id)
            .setMetadata(c.config.getMetadata())
            .setState(c.state())
            .setCreatedAt(c.createdAt)
            .setStartedAt(c.startedAt)
            .setFinishedAt(c.finishedAt)
            .setExitCode(c.exitCode)
            .setImage(c.config.getImage())
            .setImageRef(imageId(c.config.getImage().getImage()))
            .setReason(c.reason == null ? "" : c.reason)
            .setMessage(c.message == null ? "" : c.message)
            .setLogPath(c.logPath.toString())
            .putAllLabels(c.config.getLabelsMap())
            .putAllAnnotations(c.config.getAnnotationsMap())
            .addAllMounts(c.config.getMountsList());
    return ContainerStatusResponse.newBuilder().setStatus(b).build();
  }

  @Override
  public io.k8j.cri.v1.ContainerStats containerStats(String containerId) {
    ProcessContainer c = get(containerId);
    Cgroups cg = c.cgroups;
    if (cg == null) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "container " + containerId + " has no cgroup");
    }
    io.k8j.kubelet.stats.Usage u;
    try {
      u = cg.usage(clock.now());
    } catch (java.io.IOException | RuntimeException e) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED,
          "could not read the cgroup of container " + containerId + ": " + e);
    }
    long ts = u.time().getEpochSecond() * 1_000_000_000L + u.time().getNano();
    return io.k8j.cri.v1.ContainerStats.newBuilder()
        .setAttributes(
            io.k8j.cri.v1.ContainerAttributes.newBuilder()
                .setId(c.id)
                .setMetadata(c.config.getMetadata())
                .putAllLabels(c.config.getLabelsMap()))
        .setCpu(
            io.k8j.cri.v1.CpuUsage.newBuilder()
                .setTimestamp(ts)
                .setUsageCoreNanoSeconds(
                    io.k8j.cri.v1.UInt64Value.newBuilder().setValue(u.cpuNanos())))
        .setMemory(
            io.k8j.cri.v1.MemoryUsage.newBuilder()
                .setTimestamp(ts)
                .setWorkingSetBytes(
                    io.k8j.cri.v1.UInt64Value.newBuilder().setValue(u.workingSetBytes()))
                .setUsageBytes(io.k8j.cri.v1.UInt64Value.newBuilder().setValue(u.memoryBytes())))
        .build();
  }

  private ProcessContainer get(String id) {
    ProcessContainer c = containers.get(id);
    if (c == null) {
      throw RuntimeCallException.notFound("container " + id);
    }
    return c;
  }

  @Override
  public ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout) {
    ProcessContainer c = get(containerId);
    if (c.state() != ContainerState.CONTAINER_RUNNING) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "container " + containerId + " is not running");
    }
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("nsenter", "-t", Long.toString(c.pid()), "-m", "-n", "--"));
    }
    full.addAll(cmd);
    try {
      ProcessBuilder pb = new ProcessBuilder(full);
      pb.environment().clear();
      pb.environment().putAll(environment(c.config, c.sandbox));
      if (!c.config.getWorkingDir().isEmpty() && !root) {
        pb.directory(Path.of(c.config.getWorkingDir()).toFile());
      }
      Process p = pb.start();
      byte[][] streams = new byte[2][];
      Thread o = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
      Thread e = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new RuntimeCallException(
            RuntimeCallException.Code.DEADLINE_EXCEEDED, "command timed out");
      }
      o.join();
      e.join();
      return ExecSyncResponse.newBuilder()
          .setExitCode(p.exitValue())
          .setStdout(ByteString.copyFrom(streams[0] == null ? new byte[0] : streams[0]))
          .setStderr(ByteString.copyFrom(streams[1] == null ? new byte[0] : streams[1]))
          .build();
    } catch (IOException e) {
      return ExecSyncResponse.newBuilder()
          .setExitCode(126)
          .setStderr(ByteString.copyFromUtf8(e.getMessage()))
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeCallException(RuntimeCallException.Code.FAILED, "interrupted", e);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Override
  public int exec(String containerId, List<String> cmd, StreamIo io)
      throws StreamingException, InterruptedException {
    return streaming.exec(streamable(containerId), cmd, io);
  }

  @Override
  public void attach(String containerId, StreamIo io)
      throws StreamingException, InterruptedException {
    streaming.attach(streamable(containerId), io);
  }

  @Override
  public void portForward(String sandboxId, int port, InputStream in, OutputStream out)
      throws StreamingException, InterruptedException {
    ProcessSandbox s = sandboxes.get(sandboxId);
    if (s == null) {
      throw new StreamingException("pod sandbox " + sandboxId + " not found");
    }
    streaming.portForward(s, port, in, out);
  }

  private ProcessContainer streamable(String containerId) throws StreamingException {
    ProcessContainer c = containers.get(containerId);
    if (c == null) {
      throw new StreamingException("container not found (\"" + containerId + "\")");
    }
    return c;
  }

  @Override
  public void reopenContainerLog(String containerId) {
    try {
      get(containerId).reopenLog();
    } catch (IOException e) {
      throw new RuntimeCallException(RuntimeCallException.Code.FAILED, e.getMessage(), e);
    }
  }

  // ---- images: not used by this runtime

  private static String imageId(String image) {
    return "sha256:" + Integer.toHexString(ImageNames.normalize(image).hashCode());
  }

  @Override
  public Optional<Image> imageStatus(ImageSpec image) {
    return Optional.of(
        Image.newBuilder()
            .setId(imageId(image.getImage()))
            .addRepoTags(ImageNames.normalize(image.getImage()))
            .setSize(1)
            .build());
  }

  @Override
  public List<Image> listImages() {
    return List.of();
  }

  @Override
  public String pullImage(ImageSpec image, AuthConfig auth, PodSandboxConfig sandboxConfig) {
    return imageId(image.getImage());
  }

  @Override
  public void removeImage(ImageSpec image) {}

  @Override
  public List<String> importImages(Path archive) {
    return ImageArchive.read(archive).names();
  }

  // ---- state across restarts

  private void save(ProcessSandbox s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", s.id);
    o.put("netns", s.netns);
    try {
      Files.writeString(stateDir.resolve("sandboxes").resolve(s.id + ".json"), o.toString());
    } catch (IOException e) {
      log.warn("could not record sandbox {}: {}", s.id, e.toString());
    }
  }

  /**
   * Kills what a previous run left (containers cannot be re-attached) and releases its networks.
   */
  private void cleanUpPreviousRun() {
    try (var files = Files.list(stateDir.resolve("containers"))) {
      for (Path f : files.toList()) {
        try {
          long pid = Long.parseLong(Files.readString(f).strip());
          ProcessHandle.of(pid)
              .ifPresent(
                  h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                  });
        } catch (NumberFormatException ignored) {
          // a pid file being written when the kubelet died
        }
        Files.deleteIfExists(f);
      }
      try (var sbs = Files.list(stateDir.resolve("sandboxes"))) {
        for (Path f : sbs.toList()) {
          var o = Json.MAPPER.readTree(Files.readString(f));
          String netns = o.path("netns").isNull() ? null : o.path("netns").asText(null);
          if (cni != null) {
            releaseNetwork(o.path("id").asText(), netns);
          }
          new Cgroups("k8j/" + o.path("id").asText()).remove();
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      log.warn("could not clean up after the previous run: {}", e.toString());
    }
    if (netnsOwners != null) {
      for (String netns : netnsOwners.orphans(clock.now())) {
        removeOrphan(netns);
      }
    }
  }

  /** Kills what still runs in another (dead) runtime's namespace, then deletes the namespace. */
  private void removeOrphan(String netns) {
    try {
      for (long pid : pidsIn(netns)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      run("ip", "netns", "del", netns);
      netnsOwners.forget(netns);
      log.info("network namespace {} removed: the runtime that made it is gone", netns);
    } catch (IOException e) {
      log.warn("could not remove network namespace {}: {}", netns, e.getMessage());
    }
  }

  /** The processes in a network namespace; none when it cannot be read. */
  private static List<Long> pidsIn(String netns) {
    List<Long> out = new ArrayList<>();
    try {
      Process p =
          new ProcessBuilder("ip", "netns", "pids", netns).redirectErrorStream(true).start();
      String pids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      for (String pid : pids.split("\\s+")) {
        if (pid.matches("\\d+")) {
          out.add(Long.parseLong(pid));
        }
      }
    } catch (IOException e) {
      log.debug("cannot list the processes in {}: {}", netns, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // gone already
    }
  }

  /**
   * Stops every pod (their processes cannot outlive the kubelet usefully: the next start kills
   * them) and releases their network namespaces and addresses.
   */
  @Override
  public void close() {
    List<String> ids = List.copyOf(sandboxes.keySet());
    for (String id : ids) {
      try {
        removePodSandbox(id);
      } catch (RuntimeException e) {
        log.warn("could not remove sandbox {} at shutdown: {}", id, e.toString());
      }
    }
    if (!ids.isEmpty()) {
      log.info("process runtime stopped: {} pod sandboxes removed", ids.size());
    }
    if (netnsOwners != null) {
      netnsOwners.close();
    }
  }
}

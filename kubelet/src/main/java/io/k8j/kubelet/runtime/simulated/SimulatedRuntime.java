package io.k8j.kubelet.runtime.simulated;

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
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.InProcessRuntimes;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A runtime with no processes: sandboxes get addresses from the node's pod range and containers run
 * until stopped (then exit 0), all in memory, so that one JVM can hold hundreds of nodes. Every
 * image is present; exec succeeds.
 */
public final class SimulatedRuntime implements ContainerRuntime {
  private static final String POD_UID = Labels.POD_UID;

  private record SandboxRec(
      String id, PodSandboxConfig config, PodSandboxState state, long createdAt, String ip) {}

  private record ContainerRec(
      String id,
      String sandboxId,
      ContainerConfig config,
      ContainerState state,
      long createdAt,
      long startedAt,
      long finishedAt,
      int exitCode) {}

  private final InProcessRuntimes.Timestamps timestamps;
  private final Map<String, SandboxRec> sandboxes = new LinkedHashMap<>();
  private final Map<String, ContainerRec> containers = new LinkedHashMap<>();
  private final Deque<String> freeIps = new ArrayDeque<>();

  /**
   * The list entries of the records, built once per record: the PLEG and housekeeping of every
   * simulated node list them every second, and a thousand nodes would otherwise rebuild a hundred
   * thousand messages a second.
   */
  private final Map<String, PodSandbox> sandboxViews = new HashMap<>();

  private final Map<String, Container> containerViews = new HashMap<>();

  /**
   * The ids of each pod's sandboxes and containers, by pod UID: the kubelet reads one pod's state
   * at every sync of it, and scanning every record of the node each time made a node's syncs cost
   * the square of its pods.
   */
  private final Map<String, Set<String>> sandboxesByPod = new HashMap<>();

  private final Map<String, Set<String>> containersByPod = new HashMap<>();

  private long generation;

  /**
   * @param podCidr an IPv4 range, e.g. {@code 10.42.3.0/24}; pods get its addresses from .2 on
   */
  public SimulatedRuntime(Clock clock, String podCidr) {
    this.timestamps = new InProcessRuntimes.Timestamps(clock);
    String[] p = podCidr.split("/");
    int prefix = Integer.parseInt(p[1]);
    String[] o = p[0].split("\\.");
    long base =
        (Long.parseLong(o[0]) << 24)
            | (Long.parseLong(o[1]) << 16)
            | (Long.parseLong(o[2]) << 8)
            | Long.parseLong(o[3]);
    long size = 1L << (32 - prefix);
    for (long i = 2; i < Math.min(size - 1, 65536); i++) {
      long a = base + i;
      freeIps.add(
          ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255));
    }
  }

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public boolean simulated() {
    return true;
  }

  private long now() {
    return timestamps.next();
  }

  @Override
  public VersionResponse version() {
    return InProcessRuntimes.version("simulated");
  }

  @Override
  public StatusResponse status() {
    return InProcessRuntimes.ready();
  }

  @Override
  public synchronized String runPodSandbox(PodSandboxConfig config) {
    String id = UUID.randomUUID().toString().replace("-", "");
    String ip = freeIps.pollFirst();
    if (ip == null) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "no free address in the pod range");
    }
    putSandbox(id, new SandboxRec(id, config, PodSandboxState.SANDBOX_READY, now(), ip));
    return id;
  }

  @Override
  public synchronized void stopPodSandbox(String sandboxId) {
    SandboxRec s = sandboxes.get(sandboxId);
    if (s == null) {
      return;
    }
    for (ContainerRec c : List.copyOf(containers.values())) {
      if (c.sandboxId.equals(sandboxId) && c.state == ContainerState.CONTAINER_RUNNING) {
        stop(c);
      }
    }
    if (s.state == PodSandboxState.SANDBOX_READY) {
      freeIps.addLast(s.ip);
      putSandbox(
          sandboxId,
          new SandboxRec(s.id, s.config, PodSandboxState.SANDBOX_NOTREADY, s.createdAt, ""));
    }
  }

  @Override
  public synchronized void removePodSandbox(String sandboxId) {
    stopPodSandbox(sandboxId);
    for (ContainerRec c : List.copyOf(containers.values())) {
      if (c.sandboxId.equals(sandboxId)) {
        removeContainerRec(c.id);
      }
    }
    removeSandbox(sandboxId);
  }

  @Override
  public synchronized PodSandboxStatusResponse podSandboxStatus(String sandboxId) {
    SandboxRec s = sandboxes.get(sandboxId);
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
                .setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(s.ip))
                .putAllLabels(s.config.getLabelsMap())
                .putAllAnnotations(s.config.getAnnotationsMap()))
        .build();
  }

  private void putSandbox(String id, SandboxRec s) {
    generation++;
    sandboxes.put(id, s);
    sandboxViews.remove(id);
    index(sandboxesByPod, s.config.getLabelsMap(), id);
  }

  private void removeSandbox(String id) {
    generation++;
    SandboxRec s = sandboxes.remove(id);
    sandboxViews.remove(id);
    if (s != null) {
      unindex(sandboxesByPod, s.config.getLabelsMap(), id);
    }
  }

  private void putContainer(String id, ContainerRec c) {
    generation++;
    containers.put(id, c);
    containerViews.remove(id);
    index(containersByPod, c.config.getLabelsMap(), id);
  }

  private void removeContainerRec(String id) {
    generation++;
    ContainerRec c = containers.remove(id);
    containerViews.remove(id);
    if (c != null) {
      unindex(containersByPod, c.config.getLabelsMap(), id);
    }
  }

  private static void index(Map<String, Set<String>> byPod, Map<String, String> labels, String id) {
    String uid = labels.get(POD_UID);
    if (uid != null) {
      byPod.computeIfAbsent(uid, u -> new LinkedHashSet<>()).add(id);
    }
  }

  private static void unindex(
      Map<String, Set<String>> byPod, Map<String, String> labels, String id) {
    String uid = labels.get(POD_UID);
    Set<String> ids = uid == null ? null : byPod.get(uid);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        byPod.remove(uid);
      }
    }
  }

  /**
   * The records a filter can match: the one of its id, those of the pod its label selector names,
   * or all.
   */
  private static <R> List<R> candidates(
      Map<String, R> records,
      Map<String, Set<String>> byPod,
      String id,
      Map<String, String> selector) {
    if (!id.isEmpty()) {
      R r = records.get(id);
      return r == null ? List.of() : List.of(r);
    }
    String uid = selector.get(POD_UID);
    if (uid == null) {
      return List.copyOf(records.values());
    }
    List<R> out = new ArrayList<>();
    for (String i : byPod.getOrDefault(uid, Set.of())) {
      out.add(records.get(i));
    }
    return out;
  }

  @Override
  public synchronized long generation() {
    return generation;
  }

  @Override
  public synchronized List<PodSandbox> listPodSandbox(PodSandboxFilter filter) {
    List<PodSandbox> out = new ArrayList<>();
    Iterable<SandboxRec> recs =
        filter == null
            ? sandboxes.values()
            : candidates(sandboxes, sandboxesByPod, filter.getId(), filter.getLabelSelectorMap());
    for (SandboxRec s : recs) {
      if (filter != null) {
        if (!filter.getId().isEmpty() && !filter.getId().equals(s.id)) {
          continue;
        }
        if (filter.hasState() && filter.getState().getState() != s.state) {
          continue;
        }
        if (!matches(s.config.getLabelsMap(), filter.getLabelSelectorMap())) {
          continue;
        }
      }
      out.add(
          sandboxViews.computeIfAbsent(
              s.id,
              id ->
                  PodSandbox.newBuilder()
                      .setId(s.id)
                      .setMetadata(s.config.getMetadata())
                      .setState(s.state)
                      .setCreatedAt(s.createdAt)
                      .putAllLabels(s.config.getLabelsMap())
                      .putAllAnnotations(s.config.getAnnotationsMap())
                      .build()));
    }
    return out;
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    for (var e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized String createContainer(
      String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
    SandboxRec s = sandboxes.get(sandboxId);
    if (s == null || s.state != PodSandboxState.SANDBOX_READY) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "sandbox " + sandboxId + " is not ready");
    }
    String id = UUID.randomUUID().toString().replace("-", "");
    putContainer(
        id,
        new ContainerRec(id, sandboxId, config, ContainerState.CONTAINER_CREATED, now(), 0, 0, 0));
    return id;
  }

  @Override
  public synchronized void startContainer(String containerId) {
    ContainerRec c = get(containerId);
    if (c.state != ContainerState.CONTAINER_CREATED) {
      throw new RuntimeCallException(
          RuntimeCallException.Code.FAILED, "container " + containerId + " is not created");
    }
    putContainer(
        c.id,
        new ContainerRec(
            c.id,
            c.sandboxId,
            c.config,
            ContainerState.CONTAINER_RUNNING,
            c.createdAt,
            now(),
            0,
            0));
  }

  private ContainerRec get(String id) {
    ContainerRec c = containers.get(id);
    if (c == null) {
      throw RuntimeCallException.notFound("container " + id);
    }
    return c;
  }

  private void stop(ContainerRec c) {
    putContainer(
        c.id,
        new ContainerRec(
            c.id,
            c.sandboxId,
            c.config,
            ContainerState.CONTAINER_EXITED,
            c.createdAt,
            c.startedAt,
            now(),
            0));
  }

  @Override
  public synchronized void stopContainer(String containerId, long timeoutSeconds) {
    ContainerRec c = containers.get(containerId);
    if (c != null && c.state == ContainerState.CONTAINER_RUNNING) {
      stop(c);
    }
  }

  @Override
  public synchronized void removeContainer(String containerId) {
    removeContainerRec(containerId);
  }

  @Override
  public synchronized List<Container> listContainers(ContainerFilter filter) {
    List<Container> out = new ArrayList<>();
    Iterable<ContainerRec> recs =
        filter == null
            ? containers.values()
            : candidates(containers, containersByPod, filter.getId(), filter.getLabelSelectorMap());
    for (ContainerRec c : recs) {
      if (filter != null) {
        if (!filter.getId().isEmpty() && !filter.getId().equals(c.id)) {
          continue;
        }
        if (!filter.getPodSandboxId().isEmpty() && !filter.getPodSandboxId().equals(c.sandboxId)) {
          continue;
        }
        if (filter.hasState() && filter.getState().getState() != c.state) {
          continue;
        }
        if (!matches(c.config.getLabelsMap(), filter.getLabelSelectorMap())) {
          continue;
        }
      }
      out.add(
          containerViews.computeIfAbsent(
              c.id,
              id ->
                  Container.newBuilder()
                      .setId(c.id)
                      .setPodSandboxId(c.sandboxId)
                      .setMetadata(c.config.getMetadata())
                      .setImage(c.config.getImage())
                      .setImageRef(c.config.getImage().getImage())
                      .setState(c.state)
                      .setCreatedAt(c.createdAt)
                      .putAllLabels(c.config.getLabelsMap())
                      .putAllAnnotations(c.config.getAnnotationsMap())
                      .build()));
    }
    return out;
  }

  @Override
  public synchronized ContainerStatusResponse containerStatus(String containerId) {
    ContainerRec c = get(containerId);
    ContainerStatus.Builder b =
        ContainerStatus.newBuilder()
            .setId(c.id)
            .setMetadata(c.config.getMetadata())
            .setState(c.state)
            .setCreatedAt(c.createdAt)
            .setStartedAt(c.startedAt)
            .setFinishedAt(c.finishedAt)
            .setExitCode(c.exitCode)
            .setImage(c.config.getImage())
            .setImageRef(c.config.getImage().getImage())
            .putAllLabels(c.config.getLabelsMap())
            .putAllAnnotations(c.config.getAnnotationsMap());
    if (c.state == ContainerState.CONTAINER_EXITED) {
      b.setReason(c.exitCode == 0 ? "Completed" : "Error");
    }
    return ContainerStatusResponse.newBuilder().setStatus(b).build();
  }

  @Override
  public ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout) {
    return ExecSyncResponse.newBuilder().setExitCode(0).setStdout(ByteString.EMPTY).build();
  }

  @Override
  public void reopenContainerLog(String containerId) {}

  @Override
  public Optional<Image> imageStatus(ImageSpec image) {
    return Optional.of(image(image.getImage()));
  }

  private static Image image(String name) {
    return Image.newBuilder()
        .setId("sha256:" + Integer.toHexString(name.hashCode()))
        .addRepoTags(ImageNames.normalize(name))
        .setSize(1)
        .build();
  }

  @Override
  public List<Image> listImages() {
    return List.of();
  }

  @Override
  public String pullImage(ImageSpec image, AuthConfig auth, PodSandboxConfig sandboxConfig) {
    return image(image.getImage()).getId();
  }

  @Override
  public void removeImage(ImageSpec image) {}

  @Override
  public List<String> importImages(Path archive) {
    return ImageArchive.read(archive).names();
  }

  @Override
  public void close() {}
}

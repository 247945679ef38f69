package io.k8j.kubelet.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.k8j.cri.v1.Mount;
import io.k8j.cri.v1.MountPropagation;
import io.k8j.kubelet.env.ObjectSource;
import io.k8j.kubelet.kuberuntime.Qos;
import io.k8j.kubelet.volume.AtomicWriter.FileProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a pod's volumes under {@code <pods>/<uid>/volumes/<plugin>/<name>} and turns its
 * containers' volumeMounts into runtime mounts. {@link #setUp} is called at every sync of the pod:
 * it is idempotent and rewrites configMap, secret, downwardAPI and projected files only when their
 * content changed, so that updates reach running containers in place.
 */
public final class VolumeManager {
  private static final Logger log = LoggerFactory.getLogger(VolumeManager.class);

  /** Persistent volume lookups, for persistentVolumeClaim volumes. */
  public interface ClaimSource {
    Optional<PersistentVolumeClaim> claim(String namespace, String name);

    Optional<PersistentVolume> volume(String name);
  }

  private final Path podsDir;
  private final Projections projections;
  private final ClaimSource claims;
  private final Supplier<Map<String, Quantity>> allocatable;
  private final boolean root;

  public VolumeManager(
      Path podsDir,
      ObjectSource objects,
      ClaimSource claims,
      TokenSource tokens,
      Supplier<Map<String, Quantity>> allocatable) {
    this.podsDir = podsDir;
    this.projections = new Projections(objects, tokens);
    this.claims = claims;
    this.allocatable = allocatable;
    this.root = "root".equals(System.getProperty("user.name"));
  }

  public Path podDir(String uid) {
    return podsDir.resolve(uid);
  }

  /** Sets up every volume of the pod; returns each volume's directory on the host. */
  public Map<String, Path> setUp(Pod pod, List<String> podIps, String hostIp)
      throws MountException {
    Map<String, Path> out = new LinkedHashMap<>();
    Path volumes = podDir(pod.getMetadata().getUid()).resolve("volumes");
    List<Volume> vols = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume v : vols) {
      try {
        out.put(v.getName(), setUp(pod, v, volumes, podIps, hostIp));
      } catch (Projections.VolumeError e) {
        throw new MountException(v.getName(), e.getMessage());
      } catch (IOException e) {
        throw new MountException(v.getName(), e.toString());
      }
    }
    return out;
  }

  private Path setUp(Pod pod, Volume v, Path volumes, List<String> podIps, String hostIp)
      throws Projections.VolumeError, IOException {
    if (v.getHostPath() != null) {
      return hostPath(v.getHostPath());
    }
    if (v.getEmptyDir() != null) {
      Path dir = volumes.resolve("kubernetes.io~empty-dir").resolve(v.getName());
      Files.createDirectories(dir);
      if ("Memory".equals(v.getEmptyDir().getMedium()) && root && !Mounts.isMountPoint(dir)) {
        Quantity limit = v.getEmptyDir().getSizeLimit();
        Mounts.tmpfs(dir, limit == null ? 0 : Qos.bytes(limit));
      }
      return dir;
    }
    if (v.getConfigMap() != null) {
      Path dir = volumes.resolve("kubernetes.io~configmap").resolve(v.getName());
      Optional<Map<String, FileProjection>> payload = projections.configMap(pod, v.getConfigMap());
      AtomicWriter.write(dir, payload.orElse(Map.of()));
      return dir;
    }
    if (v.getSecret() != null) {
      Path dir = volumes.resolve("kubernetes.io~secret").resolve(v.getName());
      Optional<Map<String, FileProjection>> payload = projections.secret(pod, v.getSecret());
      AtomicWriter.write(dir, payload.orElse(Map.of()));
      return dir;
    }
    if (v.getDownwardAPI() != null) {
      Path dir = volumes.resolve("kubernetes.io~downward-api").resolve(v.getName());
      int mode =
          v.getDownwardAPI().getDefaultMode() == null
              ? Projections.DEFAULT_MODE
              : v.getDownwardAPI().getDefaultMode();
      AtomicWriter.write(
          dir,
          projections.downwardApi(
              pod, v.getDownwardAPI().getItems(), mode, podIps, hostIp, allocatable.get()));
      return dir;
    }
    if (v.getProjected() != null) {
      Path dir = volumes.resolve("kubernetes.io~projected").resolve(v.getName());
      AtomicWriter.write(
          dir, projections.projected(pod, v.getProjected(), podIps, hostIp, allocatable.get()));
      return dir;
    }
    if (v.getPersistentVolumeClaim() != null) {
      return claim(pod, v.getPersistentVolumeClaim().getClaimName());
    }
    throw new Projections.VolumeError("volume type is not supported by this kubelet");
  }

  private Path hostPath(HostPathVolumeSource src) throws Projections.VolumeError, IOException {
    Path p = Path.of(src.getPath());
    String type = src.getType() == null ? "" : src.getType();
    switch (type) {
      case "DirectoryOrCreate" -> Files.createDirectories(p);
      case "FileOrCreate" -> {
        Files.createDirectories(p.getParent());
        if (!Files.exists(p)) {
          Files.createFile(p);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(p)) {
          throw new Projections.VolumeError(
              "hostPath type check failed: " + p + " is not a directory");
        }
      }
      case "File" -> {
        if (!Files.isRegularFile(p)) {
          throw new Projections.VolumeError("hostPath type check failed: " + p + " is not a file");
        }
      }
      case "Socket", "CharDevice", "BlockDevice" -> {
        if (!Files.exists(p)) {
          throw new Projections.VolumeError("hostPath type check failed: " + p + " does not exist");
        }
      }
      default -> {}
    }
    return p;
  }

  private Path claim(Pod pod, String claimName) throws Projections.VolumeError, IOException {
    String ns = pod.getMetadata().getNamespace();
    PersistentVolumeClaim pvc =
        claims
            .claim(ns, claimName)
            .orElseThrow(
                () ->
                    new Projections.VolumeError(
                        "persistentvolumeclaim \"" + claimName + "\" not found"));
    String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
    if (pvName == null || pvName.isEmpty()) {
      throw new Projections.VolumeError(
          "persistentvolumeclaim \"" + claimName + "\" is not bound to a volume");
    }
    PersistentVolume pv =
        claims
            .volume(pvName)
            .orElseThrow(
                () -> new Projections.VolumeError("persistentvolume \"" + pvName + "\" not found"));
    if (pv.getSpec().getHostPath() != null) {
      return hostPath(pv.getSpec().getHostPath());
    }
    if (pv.getSpec().getLocal() != null) {
      Path p = Path.of(pv.getSpec().getLocal().getPath());
      if (!Files.exists(p)) {
        throw new Projections.VolumeError("path \"" + p + "\" does not exist");
      }
      return p;
    }
    throw new Projections.VolumeError(
        "persistentvolume \"" + pvName + "\" is neither hostPath nor local");
  }

  /**
   * The runtime mounts of a container's volumeMounts.
   *
   * @param expand expands {@code $(VAR)} in subPathExpr with the container's environment
   */
  public List<Mount> mounts(
      Pod pod, Container c, Map<String, Path> volumes, Function<String, String> expand)
      throws MountException {
    List<Mount> out = new java.util.ArrayList<>();
    if (c.getVolumeMounts() == null) {
      return out;
    }
    Map<String, Volume> byName = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      pod.getSpec().getVolumes().forEach(v -> byName.put(v.getName(), v));
    }
    for (VolumeMount m : c.getVolumeMounts()) {
      Path host = volumes.get(m.getName());
      Volume v = byName.get(m.getName());
      if (host == null || v == null) {
        throw new MountException(m.getName(), "volume is not set up");
      }
      String sub = m.getSubPath();
      if ((sub == null || sub.isEmpty()) && m.getSubPathExpr() != null) {
        sub = expand.apply(m.getSubPathExpr());
      }
      if (sub != null && !sub.isEmpty()) {
        if (sub.startsWith("/") || sub.contains("..")) {
          throw new MountException(m.getName(), "invalid subPath " + sub);
        }
        Path p = host.resolve(sub);
        try {
          if (!Files.exists(p)) {
            Files.createDirectories(p);
          }
        } catch (IOException e) {
          throw new MountException(m.getName(), e.toString());
        }
        host = p;
      }
      boolean readOnly =
          Boolean.TRUE.equals(m.getReadOnly())
              || v.getConfigMap() != null
              || v.getSecret() != null
              || v.getDownwardAPI() != null
              || v.getProjected() != null;
      out.add(
          Mount.newBuilder()
              .setContainerPath(m.getMountPath())
              .setHostPath(host.toString())
              .setReadonly(readOnly)
              .setPropagation(propagation(m.getMountPropagation()))
              .build());
    }
    return out;
  }

  private static MountPropagation propagation(String p) {
    if (p == null) {
      return MountPropagation.PROPAGATION_PRIVATE;
    }
    return switch (p) {
      case "HostToContainer" -> MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
      case "Bidirectional" -> MountPropagation.PROPAGATION_BIDIRECTIONAL;
      default -> MountPropagation.PROPAGATION_PRIVATE;
    };
  }

  /** Unmounts and deletes everything of a pod on disk (after its containers are gone). */
  public void tearDown(String uid) {
    Path dir = podDir(uid);
    if (!Files.exists(dir)) {
      return;
    }
    try {
      for (Path mp : Mounts.mountPointsUnder(dir)) {
        Mounts.unmount(mp);
      }
      AtomicWriter.deleteTree(dir);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  /** The pod UIDs that have a directory on disk. */
  public Set<String> podsOnDisk() {
    Set<String> out = new HashSet<>();
    if (!Files.isDirectory(podsDir)) {
      return out;
    }
    try (var s = Files.list(podsDir)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      log.warn("could not list {}: {}", podsDir, e.toString());
    }
    return out;
  }
}

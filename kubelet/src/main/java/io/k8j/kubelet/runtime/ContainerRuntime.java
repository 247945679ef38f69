package io.k8j.kubelet.runtime;

import io.k8j.cri.v1.AuthConfig;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerStatusResponse;
import io.k8j.cri.v1.ExecSyncResponse;
import io.k8j.cri.v1.Image;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxStatusResponse;
import io.k8j.cri.v1.StatusResponse;
import io.k8j.cri.v1.VersionResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A container runtime as the kubelet sees it: the CRI's RuntimeService and ImageService. Every call
 * is synchronous and may be made from many threads at once. Calls fail with {@link
 * RuntimeCallException}; the idempotent ones (stop, remove) do not fail when the object is already
 * gone, as the CRI requires.
 */
public interface ContainerRuntime extends AutoCloseable {
  /** Short name for logs and node info, e.g. {@code containerd}, {@code process}. */
  String name();

  /**
   * A number that changes whenever a sandbox or container is added, changes state or goes, so that
   * the PLEG can skip a relist that would find nothing new; -1 when the runtime cannot tell (its
   * containers exit on their own).
   */
  default long generation() {
    return -1;
  }

  /** True when no process runs for a container (probes and hooks then always succeed). */
  default boolean simulated() {
    return false;
  }

  VersionResponse version();

  StatusResponse status();

  /** Creates and starts a sandbox; returns its id once it is ready. */
  String runPodSandbox(PodSandboxConfig config);

  void stopPodSandbox(String sandboxId);

  void removePodSandbox(String sandboxId);

  PodSandboxStatusResponse podSandboxStatus(String sandboxId);

  List<PodSandbox> listPodSandbox(PodSandboxFilter filter);

  String createContainer(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig);

  void startContainer(String containerId);

  /** Sends the stop signal, then kills the container after {@code timeoutSeconds}. */
  void stopContainer(String containerId, long timeoutSeconds);

  void removeContainer(String containerId);

  List<Container> listContainers(ContainerFilter filter);

  ContainerStatusResponse containerStatus(String containerId);

  /** Runs {@code cmd} in the container and waits for it, at most {@code timeout}. */
  ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout);

  /**
   * The container's CPU and memory usage now (CRI {@code ContainerStats}).
   *
   * @throws RuntimeCallException when the container is gone or the runtime measures nothing
   */
  default io.k8j.cri.v1.ContainerStats containerStats(String containerId) {
    throw new RuntimeCallException(
        RuntimeCallException.Code.FAILED, name() + " runtime reports no container stats");
  }

  /** Asks the runtime to reopen the container's log file after the kubelet rotated it. */
  void reopenContainerLog(String containerId);

  /** The image if present, empty otherwise. */
  Optional<Image> imageStatus(ImageSpec image);

  List<Image> listImages();

  /** Pulls the image; returns its reference (id or digest). */
  String pullImage(ImageSpec image, AuthConfig auth, PodSandboxConfig sandboxConfig);

  void removeImage(ImageSpec image);

  /**
   * Imports the images in an archive (OCI layout or docker archive tarball); returns their names.
   */
  List<String> importImages(Path archive);

  @Override
  void close();
}

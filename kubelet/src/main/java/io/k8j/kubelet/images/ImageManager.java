package io.k8j.kubelet.images;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.cri.v1.Image;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import io.k8j.kubelet.kuberuntime.ContainerStartException;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.kubelet.util.BackOff;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes sure a container's image is present, following its {@code imagePullPolicy}, with pull
 * back-off per pod and image, and upstream's events (Pulling, Pulled, Failed, BackOff) and waiting
 * reasons (ErrImagePull, ImagePullBackOff, ErrImageNeverPull).
 */
public final class ImageManager {
  public static final String ERR_IMAGE_PULL = "ErrImagePull";
  public static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
  public static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";

  private final ContainerRuntime runtime;
  private final EventRecorder events;
  private final BackOff backOff;
  private final Clock clock;

  public ImageManager(
      ContainerRuntime runtime, EventRecorder events, BackOff backOff, Clock clock) {
    this.runtime = runtime;
    this.events = events;
    this.backOff = backOff;
    this.clock = clock;
  }

  /**
   * The pull policy upstream defaults to: Always for {@code :latest} (or no tag), else
   * IfNotPresent.
   */
  public static String pullPolicy(Container c) {
    if (c.getImagePullPolicy() != null && !c.getImagePullPolicy().isEmpty()) {
      return c.getImagePullPolicy();
    }
    return ImageNames.isLatest(c.getImage()) ? "Always" : "IfNotPresent";
  }

  /**
   * Returns the image reference to create the container from, pulling when the policy says so.
   *
   * @param fieldPath the container's field path, for events
   */
  public String ensureImageExists(
      Pod pod, Container c, String fieldPath, PodSandboxConfig sandboxConfig)
      throws ContainerStartException {
    String image = c.getImage();
    ImageSpec spec = ImageSpec.newBuilder().setImage(image).build();
    String policy = pullPolicy(c);
    Optional<Image> present;
    try {
      present = runtime.imageStatus(spec);
    } catch (RuntimeCallException e) {
      String msg = "Failed to inspect image \"" + image + "\": " + e.getMessage();
      events.warning(pod, fieldPath, Reasons.INSPECT_FAILED, msg);
      throw new ContainerStartException("ImageInspectError", msg, e);
    }
    if (!policy.equals("Always") && present.isPresent()) {
      events.normal(
          pod,
          fieldPath,
          Reasons.PULLED,
          "Container image \"" + image + "\" already present on machine");
      return present.get().getId();
    }
    if (policy.equals("Never")) {
      String msg = "Container image \"" + image + "\" is not present with pull policy of Never";
      events.warning(pod, fieldPath, Reasons.ERR_IMAGE_NEVER_PULL, msg);
      throw new ContainerStartException(ERR_IMAGE_NEVER_PULL, msg);
    }
    String key = pod.getMetadata().getUid() + "_" + image;
    if (backOff.isInBackOffSinceUpdate(key)) {
      String msg = "Back-off pulling image \"" + image + "\"";
      events.normal(pod, fieldPath, Reasons.BACK_OFF, msg);
      throw new ContainerStartException(IMAGE_PULL_BACK_OFF, msg);
    }
    events.normal(pod, fieldPath, Reasons.PULLING, "Pulling image \"" + image + "\"");
    Instant start = clock.now();
    try {
      String ref = runtime.pullImage(spec, null, sandboxConfig);
      Duration took = Duration.between(start, clock.now());
      long size = runtime.imageStatus(spec).map(Image::getSize).orElse(0L);
      events.normal(
          pod,
          fieldPath,
          Reasons.PULLED,
          String.format(
              Locale.ROOT,
              "Successfully pulled image \"%s\" in %s (%s including waiting). Image size: %d bytes.",
              image,
              seconds(took),
              seconds(took),
              size));
      backOff.reset(key);
      return ref;
    } catch (RuntimeCallException e) {
      backOff.next(key, clock.now());
      String msg = "Failed to pull image \"" + image + "\": " + e.getMessage();
      events.warning(pod, fieldPath, Reasons.FAILED, msg);
      events.warning(pod, fieldPath, Reasons.FAILED, "Error: " + ERR_IMAGE_PULL);
      throw new ContainerStartException(ERR_IMAGE_PULL, msg, e);
    }
  }

  /** When the pull back-off of this pod's image ends (now when there is none). */
  public Instant backOffEnd(Pod pod, Container c) {
    return backOff.endSinceUpdate(pod.getMetadata().getUid() + "_" + c.getImage());
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3fs", d.toMillis() / 1000.0);
  }
}

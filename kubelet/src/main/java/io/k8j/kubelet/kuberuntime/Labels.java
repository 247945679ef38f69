package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.kubelet.util.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The labels and annotations upstream's kubelet puts on sandboxes and containers, and reads back.
 */
public final class Labels {
  public static final String POD_NAME = "io.kubernetes.pod.name";
  public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  public static final String POD_UID = "io.kubernetes.pod.uid";
  public static final String CONTAINER_NAME = "io.kubernetes.container.name";
  public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
  public static final String CONTAINER_RESTART_COUNT = "io.kubernetes.container.restartCount";
  public static final String TERMINATION_MESSAGE_PATH =
      "io.kubernetes.container.terminationMessagePath";
  public static final String TERMINATION_MESSAGE_POLICY =
      "io.kubernetes.container.terminationMessagePolicy";
  public static final String POD_TERMINATION_GRACE_PERIOD =
      "io.kubernetes.pod.terminationGracePeriod";

  /** Whether the container is an init container ({@code true}) or a regular one. */
  public static final String CONTAINER_INIT = "io.k8j.container.init";

  private Labels() {}

  public static Map<String, String> sandboxLabels(Pod pod) {
    Map<String, String> l = new HashMap<>();
    if (pod.getMetadata().getLabels() != null) {
      l.putAll(pod.getMetadata().getLabels());
    }
    l.put(POD_NAME, pod.getMetadata().getName());
    l.put(POD_NAMESPACE, pod.getMetadata().getNamespace());
    l.put(POD_UID, pod.getMetadata().getUid());
    return l;
  }

  public static Map<String, String> containerLabels(Pod pod, Container c) {
    Map<String, String> l = new HashMap<>();
    l.put(POD_NAME, pod.getMetadata().getName());
    l.put(POD_NAMESPACE, pod.getMetadata().getNamespace());
    l.put(POD_UID, pod.getMetadata().getUid());
    l.put(CONTAINER_NAME, c.getName());
    return l;
  }

  /**
   * A hash of the container's spec; a running container whose hash no longer matches the pod's spec
   * (an image update) is restarted.
   */
  public static String hash(Container c) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.write(c).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

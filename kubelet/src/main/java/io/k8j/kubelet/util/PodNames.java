package io.k8j.kubelet.util;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * How the kubelet names pods in messages, as upstream's {@code format.Pod}: {@code name_ns(uid)}.
 */
public final class PodNames {
  private PodNames() {}

  public static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }

  /** {@code namespace/name}. */
  public static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}

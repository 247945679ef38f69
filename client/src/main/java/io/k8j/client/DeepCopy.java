package io.k8j.client;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Copies of API objects, for changing what came out of a shared cache. */
public final class DeepCopy {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private DeepCopy() {}

  public static <T> T of(T obj) {
    return SERIALIZATION.clone(obj);
  }

  /** The serialization the copies go through (JSON of API objects). */
  public static KubernetesSerialization serialization() {
    return SERIALIZATION;
  }
}

package io.k8j.client;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Queue keys, as client-go's {@code MetaNamespaceKeyFunc}: {@code namespace/name} or {@code name}.
 */
public final class Keys {
  private Keys() {}

  public static String of(HasMetadata obj) {
    return of(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** The namespace part of a key; "" for a cluster-scoped one. */
  public static String namespace(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  public static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}

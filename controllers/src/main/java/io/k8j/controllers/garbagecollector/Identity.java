package io.k8j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * Where an object is: upstream's {@code objectReference} (an owner reference's coordinates and the
 * namespace). Owners are looked for in their dependent's namespace unless cluster-scoped.
 */
record Identity(String apiVersion, String kind, String namespace, String name, String uid) {
  static Identity ofOwner(OwnerReference ref, String dependentNamespace) {
    return new Identity(
        ref.getApiVersion(), ref.getKind(), dependentNamespace, ref.getName(), ref.getUid());
  }

  @Override
  public String toString() {
    return kind
        + " "
        + (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
        + name
        + " ("
        + uid
        + ")";
  }
}

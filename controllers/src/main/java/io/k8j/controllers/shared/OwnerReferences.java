package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.k8j.client.Lister;
import java.util.List;
import java.util.Objects;

/** Owner references, as upstream's {@code metav1.GetControllerOf} and {@code NewControllerRef}. */
public final class OwnerReferences {
  private OwnerReferences() {}

  /** The reference with controller=true, or null. */
  public static OwnerReference controllerOf(HasMetadata obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    if (refs == null) {
      return null;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return null;
  }

  /**
   * The controller {@code ref} names, from the cache, if it is of {@code kind} and has the
   * reference's uid (not a namesake created since), as upstream's {@code resolveControllerRef};
   * null otherwise.
   */
  public static <T extends HasMetadata> T resolve(
      Lister<T> owners, String kind, String namespace, OwnerReference ref) {
    if (!kind.equals(ref.getKind())) {
      return null;
    }
    T owner = owners.get(namespace, ref.getName());
    return owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid())
        ? owner
        : null;
  }

  /** A controller reference to {@code owner}: controller=true, blockOwnerDeletion=true. */
  public static OwnerReference newControllerRef(HasMetadata owner, String apiVersion, String kind) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The group of an apiVersion ("" for v1). */
  public static String group(String apiVersion) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}

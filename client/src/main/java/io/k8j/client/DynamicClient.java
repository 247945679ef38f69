package io.k8j.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;

/**
 * Reads and writes of resources known only from discovery, for the controllers that handle every
 * kind (garbage collector, namespace deletion).
 */
public interface DynamicClient {
  /**
   * Every resource the server serves in the preferred version of its group, subresources left out.
   */
  List<ApiResource> discover();

  List<GenericKubernetesResource> list(ApiResource resource, String namespace);

  /** The object, or null. */
  GenericKubernetesResource get(ApiResource resource, String namespace, String name);

  /** Deletes the object; false if it was not there. */
  boolean delete(ApiResource resource, String namespace, String name, Deletion deletion);

  /** Deletes every object of the resource in the namespace. */
  void deleteCollection(ApiResource resource, String namespace);

  /** Applies a JSON merge patch; null if the object was not there. */
  GenericKubernetesResource patch(
      ApiResource resource, String namespace, String name, String mergePatch);

  /**
   * Applies a JSON patch (RFC 6902), whose {@code test} operations make it conditional; null if the
   * object was not there.
   */
  GenericKubernetesResource jsonPatch(
      ApiResource resource, String namespace, String name, String jsonPatch);
}

package io.k8j.client;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The writes a controller makes to typed objects. Failures are fabric8's {@code
 * KubernetesClientException} with the API server's status code ({@link ApiErrors} reads them).
 */
public interface ObjectWriter {
  /** Creates the object (in its metadata's namespace); returns it as stored. */
  <T extends HasMetadata> T create(T obj);

  /**
   * Replaces the object; with a resourceVersion in its metadata only if that is still current (409
   * otherwise).
   */
  <T extends HasMetadata> T update(T obj);

  /** Replaces a subresource ({@code status}, {@code finalize}) of the object. */
  <T extends HasMetadata> T updateSubresource(T obj, String subresource);

  default <T extends HasMetadata> T updateStatus(T obj) {
    return updateSubresource(obj, "status");
  }

  /** Applies a JSON merge patch (RFC 7386) to the object of this kind, namespace and name. */
  <T extends HasMetadata> T patch(T obj, String mergePatch);

  /** Deletes the object of this kind, namespace and name; false if it was not there. */
  boolean delete(HasMetadata obj, Deletion deletion);
}

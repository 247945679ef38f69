package io.k8j.apiserver.registry;

/**
 * Upstream's NamespaceLifecycle admission: nothing is created in a namespace that does not exist or
 * is being terminated.
 */
@FunctionalInterface
public interface NamespaceLifecycle {
  /**
   * @throws io.k8j.apiserver.http.ApiException 404 when the namespace does not exist, 403 when it
   *     is terminating
   */
  void checkCreate(GroupResource resource, String namespace, String name);

  NamespaceLifecycle NONE = (r, ns, n) -> {};
}

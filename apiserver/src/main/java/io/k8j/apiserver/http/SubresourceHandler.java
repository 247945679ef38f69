package io.k8j.apiserver.http;

import io.k8j.apiserver.registry.ServedResource;

/**
 * Serves one subresource ({@code pods/status}, {@code pods/binding}, {@code deployments/scale}).
 */
@FunctionalInterface
public interface SubresourceHandler {
  void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource resource,
      String namespace,
      String name);
}

package io.k8j.apiserver.http;

/**
 * Serves every resource request of one API group that is not kept in the store (such as {@code
 * metrics.k8s.io}, computed on request), after authentication and authorization.
 */
@FunctionalInterface
public interface GroupHandler {
  void handle(HttpExchange ex, RequestInfo info, Negotiation.Choice choice);
}

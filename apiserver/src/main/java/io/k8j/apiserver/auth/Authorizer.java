package io.k8j.apiserver.auth;

/** Decides whether a request may proceed. Must be safe to call from many threads at once. */
public interface Authorizer {
  boolean allows(Attributes attributes);
}

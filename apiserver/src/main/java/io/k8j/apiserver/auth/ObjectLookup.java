package io.k8j.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads core (v1) objects for the authenticators: the secrets behind bootstrap tokens and the
 * objects service-account tokens are bound to.
 */
@FunctionalInterface
public interface ObjectLookup {
  /** The object as stored now, or null when it does not exist. */
  ObjectNode get(String resource, String namespace, String name);
}

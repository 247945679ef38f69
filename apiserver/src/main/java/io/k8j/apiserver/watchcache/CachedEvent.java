package io.k8j.apiserver.watchcache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change to one object, decoded once and shared by every watcher. Objects are never modified
 * after they are cached.
 *
 * @param object the object after the change; for DELETED, the last state with the delete's revision
 *     as its resourceVersion
 * @param previous the object before the change; null for ADDED
 */
public record CachedEvent(
    Type type, String key, ObjectNode object, ObjectNode previous, long revision) {
  /**
   * The watch event types a cache produces (BOOKMARK and ERROR are the stream's, not the cache's).
   */
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }
}

package io.k8j.apiserver.watchcache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/**
 * What one watcher wants: keys under a prefix (a namespace, one object, or the whole resource) that
 * match a predicate (label and field selectors).
 *
 * @param nodeName the value the predicate requires of {@code spec.nodeName}, or null: the cache
 *     then offers this watcher only the events of objects on that node, as upstream's watch cache
 *     indexes pod watchers by node (every kubelet watches its own pods)
 */
public record WatchFilter(String keyPrefix, Predicate<ObjectNode> predicate, String nodeName) {
  public WatchFilter(String keyPrefix, Predicate<ObjectNode> predicate) {
    this(keyPrefix, predicate, null);
  }

  public boolean covers(String key) {
    return key.startsWith(keyPrefix);
  }

  /** The index value of an object: its {@code spec.nodeName}, "" when it has none. */
  static String nodeNameOf(ObjectNode object) {
    return object == null ? null : object.path("spec").path("nodeName").asText("");
  }
}

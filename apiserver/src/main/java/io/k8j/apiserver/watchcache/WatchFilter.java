package io.k8j.apiserver.watchcache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/**
 * What one watcher wants: keys under a prefix (a namespace, one object, or the whole resource) that
 * match a predicate (label and field selectors).
 */
public record WatchFilter(String keyPrefix, Predicate<ObjectNode> predicate) {
  public boolean covers(String key) {
    return key.startsWith(keyPrefix);
  }
}

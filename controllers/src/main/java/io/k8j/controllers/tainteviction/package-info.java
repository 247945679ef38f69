/**
 * Taint-based eviction, as upstream's {@code tainteviction}: pods on a node with NoExecute taints
 * they do not tolerate are deleted at once; those that tolerate them for tolerationSeconds are
 * deleted when the shortest of those runs out, unless the taints go first.
 */
package io.k8j.controllers.tainteviction;

/** Label and field selectors, parsed as upstream parses them and matched against objects. */
package io.k8j.apiserver.registry.selection;

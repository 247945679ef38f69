package io.k8j.apiserver.registry;

import io.k8j.apiserver.registry.selection.FieldSelector;
import io.k8j.apiserver.registry.selection.LabelSelector;

/**
 * The parameters of a list or watch, parsed.
 *
 * @param resourceVersion the requested resourceVersion, null when not given
 * @param resourceVersionMatch "", NotOlderThan or Exact
 * @param limit the page size, 0 for all
 * @param continueToken the continue token of the previous page, null when not given
 */
public record ListOptions(
    LabelSelector labels,
    FieldSelector fields,
    String resourceVersion,
    String resourceVersionMatch,
    long limit,
    String continueToken,
    boolean allowWatchBookmarks,
    long timeoutSeconds) {

  public static ListOptions all() {
    return new ListOptions(
        LabelSelector.EVERYTHING, FieldSelector.EVERYTHING, null, "", 0, null, false, 0);
  }

  public boolean selectsEverything() {
    return labels.isEmpty() && fields.isEmpty();
  }
}

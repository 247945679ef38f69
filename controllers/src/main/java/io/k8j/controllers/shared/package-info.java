/**
 * What several controllers share, as upstream's {@code pkg/controller} (controller_utils,
 * controller_ref_manager) and {@code podutil}: label selectors, pod readiness, owner references,
 * pod creation from templates, adoption and release, the order in which pods are deleted.
 */
package io.k8j.controllers.shared;

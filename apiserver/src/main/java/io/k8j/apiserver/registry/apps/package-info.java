/**
 * The apps/v1 group: deployments, replica sets, stateful sets, daemon sets, controller revisions.
 */
package io.k8j.apiserver.registry.apps;

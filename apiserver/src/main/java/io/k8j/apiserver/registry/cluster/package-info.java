/**
 * The smaller groups: coordination.k8s.io leases, discovery.k8s.io endpoint slices, events.k8s.io
 * events (over the core events' storage), policy disruption budgets and storage.k8s.io storage
 * classes.
 */
package io.k8j.apiserver.registry.cluster;

/**
 * The node lifecycle controller: watches node heartbeats (Leases in kube-node-lease and the Ready
 * condition), marks nodes silent for longer than the grace period Unknown, taints not-ready and
 * unreachable nodes (NoSchedule at once, NoExecute at a rate limited per zone) and marks their pods
 * not ready.
 */
package io.k8j.controllers.nodelifecycle;

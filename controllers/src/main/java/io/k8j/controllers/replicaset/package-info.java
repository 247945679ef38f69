/**
 * The ReplicaSet controller, which also runs ReplicationControllers (converted to ReplicaSets, as
 * upstream does): creates and deletes pods to match spec.replicas, adopts and releases pods by
 * selector, and reports status.
 */
package io.k8j.controllers.replicaset;

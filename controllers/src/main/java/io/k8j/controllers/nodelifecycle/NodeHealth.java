package io.k8j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Instant;

/**
 * What the controller last saw of a node, as upstream's {@code nodeHealthData}: its Ready
 * condition, when it last heard from it (probeTimestamp: a new heartbeat in the condition or a
 * renewed Lease), and when Ready last changed.
 *
 * @param leaseRenewTime the renewTime of the node's Lease when last seen, or null
 */
record NodeHealth(
    NodeCondition readyCondition,
    Instant probeTimestamp,
    Instant readyTransitionTimestamp,
    Instant leaseRenewTime) {

  NodeHealth withLease(Instant renewTime, Instant probe) {
    return new NodeHealth(readyCondition, probe, readyTransitionTimestamp, renewTime);
  }
}

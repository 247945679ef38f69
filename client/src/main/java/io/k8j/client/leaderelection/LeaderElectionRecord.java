package io.k8j.client.leaderelection;

import java.time.Instant;

/**
 * What a lease says about its holder, as client-go's {@code LeaderElectionRecord}.
 *
 * @param holderIdentity "" when nobody holds it
 */
public record LeaderElectionRecord(
    String holderIdentity,
    int leaseDurationSeconds,
    Instant acquireTime,
    Instant renewTime,
    int leaderTransitions) {}

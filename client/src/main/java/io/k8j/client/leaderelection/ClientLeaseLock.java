package io.k8j.client.leaderelection;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.client.ApiErrors;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** A {@link LeaseLock} on a coordination.k8s.io/v1 Lease. */
public final class ClientLeaseLock implements LeaseLock {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  public ClientLeaseLock(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public Versioned get() {
    Lease lease = client.leases().inNamespace(namespace).withName(name).get();
    if (lease == null) {
      return null;
    }
    LeaseSpec s = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    return new Versioned(
        new LeaderElectionRecord(
            s.getHolderIdentity() == null ? "" : s.getHolderIdentity(),
            s.getLeaseDurationSeconds() == null ? 0 : s.getLeaseDurationSeconds(),
            instant(s.getAcquireTime()),
            instant(s.getRenewTime()),
            s.getLeaseTransitions() == null ? 0 : s.getLeaseTransitions()),
        lease.getMetadata().getResourceVersion());
  }

  @Override
  public boolean create(LeaderElectionRecord record) {
    try {
      client.leases().inNamespace(namespace).resource(lease(record, null)).create();
      return true;
    } catch (RuntimeException e) {
      if (ApiErrors.isConflict(e)) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean update(LeaderElectionRecord record, String version) {
    try {
      client.leases().inNamespace(namespace).resource(lease(record, version)).update();
      return true;
    } catch (RuntimeException e) {
      if (ApiErrors.isConflict(e) || ApiErrors.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private Lease lease(LeaderElectionRecord r, String version) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withResourceVersion(version)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(r.holderIdentity())
        .withLeaseDurationSeconds(r.leaseDurationSeconds())
        .withAcquireTime(zoned(r.acquireTime()))
        .withRenewTime(zoned(r.renewTime()))
        .withLeaseTransitions(r.leaderTransitions())
        .endSpec()
        .build();
  }

  private static Instant instant(ZonedDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static ZonedDateTime zoned(Instant t) {
    return t == null ? null : t.atZone(ZoneOffset.UTC);
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }
}

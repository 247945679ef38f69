package io.k8j.kubelet.node;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.common.Clock;
import io.k8j.kubelet.util.Times;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: a coordination.k8s.io Lease named after the node in {@code
 * kube-node-lease}, owned by the Node, renewed every interval (upstream: 10 s, for 40 s). When the
 * API server does not serve Leases, it tries again every minute.
 */
public final class NodeLease implements AutoCloseable {
  public static final String NAMESPACE = "kube-node-lease";
  private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final int durationSeconds;
  private final Duration interval;
  private final Clock clock;
  private final Supplier<Node> node;
  private volatile boolean closed;
  private Thread thread;
  private boolean warned;
  private String lastError;
  private volatile Lease latest;

  public NodeLease(
      KubernetesClient client,
      String nodeName,
      int durationSeconds,
      Duration interval,
      Clock clock,
      Supplier<Node> node) {
    this.client = client;
    this.nodeName = nodeName;
    this.durationSeconds = durationSeconds;
    this.interval = interval;
    this.clock = clock;
    this.node = node;
  }

  public void start() {
    thread = Thread.ofVirtual().name("node-lease-" + nodeName).start(this::run);
  }

  private void run() {
    while (!closed) {
      Duration next = interval;
      try {
        renew();
        lastError = null;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 && !leasesServed()) {
          if (!warned) {
            log.warn("the API server does not serve coordination.k8s.io Leases; no node lease");
            warned = true;
          }
          next = Duration.ofMinutes(1);
        } else {
          failed(String.valueOf(e.getMessage()));
        }
      } catch (RuntimeException e) {
        failed(e.toString());
      }
      try {
        clock.sleep(next);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Logs a failure once until it changes, as a failing heartbeat repeats every interval. */
  private void failed(String message) {
    if (!message.equals(lastError)) {
      log.warn("could not renew the node lease: {}", message);
      lastError = message;
    } else {
      log.debug("could not renew the node lease: {}", message);
    }
  }

  private boolean leasesServed() {
    try {
      return client.getApiGroup("coordination.k8s.io") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Creates or renews the lease once. A renewal is one update of the lease the last one returned,
   * as upstream's lease controller does; the lease is read again only when that update conflicts
   * (someone else wrote it) or finds it gone.
   */
  public void renew() {
    String now = Times.formatMicros(clock.now());
    var leases = client.leases().inNamespace(NAMESPACE);
    Lease last = latest;
    if (last != null) {
      try {
        latest = leases.resource(renewed(last, now)).update();
        return;
      } catch (KubernetesClientException e) {
        latest = null;
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
      }
    }
    Lease lease = leases.withName(nodeName).get();
    if (lease == null) {
      ensureNamespace();
      Node n = node.get();
      LeaseBuilder b =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(nodeName)
              .withNamespace(NAMESPACE)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(nodeName)
              .withLeaseDurationSeconds(durationSeconds)
              .withRenewTime(java.time.ZonedDateTime.parse(now))
              .endSpec();
      if (n != null && n.getMetadata().getUid() != null) {
        b.editMetadata()
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Node")
                    .withName(nodeName)
                    .withUid(n.getMetadata().getUid())
                    .build())
            .endMetadata();
      }
      latest = leases.resource(b.build()).create();
      return;
    }
    latest = leases.resource(renewed(lease, now)).update();
  }

  private Lease renewed(Lease lease, String now) {
    lease.getSpec().setRenewTime(java.time.ZonedDateTime.parse(now));
    lease.getSpec().setHolderIdentity(nodeName);
    lease.getSpec().setLeaseDurationSeconds(durationSeconds);
    return lease;
  }

  private void ensureNamespace() {
    try {
      if (client.namespaces().withName(NAMESPACE).get() != null) {
        return;
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return; // a kubelet may not read namespaces; the API server creates this one at start
      }
      throw e;
    }
    Namespace ns =
        new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build();
    try {
      client.namespaces().resource(ns).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}

package io.k8j.kubelet.network;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pod range the controller manager gives a Node ({@code spec.podCIDR}). */
public final class PodCidrs {
  private static final Logger LOG = LoggerFactory.getLogger(PodCidrs.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private PodCidrs() {}

  /**
   * The node's pod range, waiting (polling the API server) until it has one.
   *
   * @throws IllegalStateException when none comes within 5 minutes: no controller manager allocates
   *     node CIDRs
   */
  public static String await(KubernetesClient client, String nodeName, Node known, Clock clock)
      throws InterruptedException {
    Instant deadline = clock.now().plus(TIMEOUT);
    Node node = known;
    boolean logged = false;
    while (true) {
      if (node != null && node.getSpec() != null && node.getSpec().getPodCIDR() != null) {
        return node.getSpec().getPodCIDR();
      }
      if (!logged) {
        LOG.info("node {}: waiting for the controller manager to assign a pod CIDR", nodeName);
        logged = true;
      }
      if (clock.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "node "
                + nodeName
                + " got no pod CIDR in "
                + TIMEOUT.toMinutes()
                + " minutes: is the controller manager allocating node CIDRs?");
      }
      clock.sleep(POLL);
      try {
        node = client.nodes().withName(nodeName).get();
      } catch (KubernetesClientException e) {
        LOG.debug("node {}: reading the node: {}", nodeName, e.getMessage());
      }
    }
  }
}

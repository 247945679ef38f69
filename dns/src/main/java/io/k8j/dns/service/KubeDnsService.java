package io.k8j.dns.service;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.client.CoalescedSync;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code kube-system/kube-dns} Service (cluster IP the kubelets put in pods' resolv.conf;
 * ports dns/53 UDP, dns-tcp/53 TCP, metrics/9153) and, since it has no selector, its EndpointSlices
 * and Endpoints: the InternalIPs of the nodes that run the cluster DNS server (they say so with
 * {@link DnsEndpoints#PORT_ANNOTATION}), ready while the node is Ready. The service proxy on every
 * node then routes the cluster DNS IP to them. Runs in the server, once.
 */
public final class KubeDnsService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeDnsService.class);
  public static final String NAMESPACE = "kube-system";
  public static final String NAME = "kube-dns";
  static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
  static final String MANAGED_BY = "cluster-dns.k8j.io";

  private final KubernetesClient client;
  private final String clusterIp;
  private final CoalescedSync syncs =
      new CoalescedSync("kube-dns-service", this::sync, Duration.ofSeconds(2), LOG);
  private volatile SharedIndexInformer<Node> nodes;
  private volatile Map<DnsEndpoints.Ports, List<DnsEndpoints.Server>> lastWritten;
  private volatile Instant rewriteAfter = Instant.MIN;

  /**
   * @param clusterIp the Service's cluster IP (the cluster DNS address, e.g. 10.43.0.10)
   */
  public KubeDnsService(KubernetesClient client, String clusterIp) {
    this.client = client;
    this.clusterIp = clusterIp;
  }

  /**
   * Marks {@code nodeName} as running cluster DNS on {@code port}, with its metrics on {@code
   * metricsPort} (0: none), on its own Node, as the node.
   */
  public static void advertise(
      KubernetesClient client, String nodeName, int port, int metricsPort) {
    String metrics =
        metricsPort > 0
            ? "\"" + DnsEndpoints.METRICS_PORT_ANNOTATION + "\":\"" + metricsPort + "\""
            : "\"" + DnsEndpoints.METRICS_PORT_ANNOTATION + "\":null";
    client
        .nodes()
        .withName(nodeName)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + DnsEndpoints.PORT_ANNOTATION
                + "\":\""
                + port
                + "\","
                + metrics
                + "}}}");
    LOG.info(
        "node {}: advertised as a cluster DNS server on port {}, metrics on {}",
        nodeName,
        port,
        metricsPort > 0 ? Integer.toString(metricsPort) : "none");
  }

  public void start() {
    SharedIndexInformer<Node> informer = client.nodes().runnableInformer(0);
    informer.addEventHandler(syncs.onAnyChange());
    nodes = informer;
    informer.start();
    syncs.start(Duration.ofSeconds(30));
  }

  private void sync() {
    SharedIndexInformer<Node> informer = nodes;
    if (informer == null || !informer.hasSynced()) {
      throw new IllegalStateException("the Nodes are not listed yet");
    }
    Map<DnsEndpoints.Ports, List<DnsEndpoints.Server>> servers =
        DnsEndpoints.byPort(informer.getStore().list());
    if (servers.equals(lastWritten) && Instant.now().isBefore(rewriteAfter)) {
      return;
    }
    rewriteAfter = Instant.now().plusSeconds(30);
    lastWritten = null;
    Service svc = ensureService();
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Service")
            .withName(NAME)
            .withUid(svc.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    writeEndpoints(servers, owner);
    writeSlices(servers, owner);
    lastWritten = servers;
    LOG.info("kube-dns Service: endpoints {}", servers.values());
  }

  private Service ensureService() {
    Service existing = client.services().inNamespace(NAMESPACE).withName(NAME).get();
    if (existing != null) {
      return existing;
    }
    Service svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(NAMESPACE)
            .withName(NAME)
            .addToLabels("k8s-app", "kube-dns")
            .addToLabels("kubernetes.io/cluster-service", "true")
            .addToLabels("kubernetes.io/name", "CoreDNS")
            .endMetadata()
            .withNewSpec()
            .withClusterIP(clusterIp)
            .withClusterIPs(clusterIp)
            .addNewPort()
            .withName("dns")
            .withPort(53)
            .withNewTargetPort(53)
            .withProtocol("UDP")
            .endPort()
            .addNewPort()
            .withName("dns-tcp")
            .withPort(53)
            .withNewTargetPort(53)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName("metrics")
            .withPort(9153)
            .withNewTargetPort(9153)
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    try {
      Service created = client.services().resource(svc).create();
      LOG.info("kube-dns Service created with cluster IP {}", clusterIp);
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return client.services().inNamespace(NAMESPACE).withName(NAME).get();
      }
      throw e;
    }
  }

  private void writeEndpoints(
      Map<DnsEndpoints.Ports, List<DnsEndpoints.Server>> servers, OwnerReference owner) {
    Endpoints want =
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace(NAMESPACE)
            .withName(NAME)
            .addToLabels("k8s-app", "kube-dns")
            .withOwnerReferences(owner)
            .endMetadata()
            .withSubsets(DnsEndpoints.subsets(servers))
            .build();
    Endpoints have = client.endpoints().inNamespace(NAMESPACE).withName(NAME).get();
    if (have == null) {
      client.endpoints().resource(want).create();
    } else if (!Objects.equals(have.getSubsets(), want.getSubsets())) {
      want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
      client.endpoints().resource(want).update();
    }
  }

  private void writeSlices(
      Map<DnsEndpoints.Ports, List<DnsEndpoints.Server>> servers, OwnerReference owner) {
    var slices = client.discovery().v1().endpointSlices().inNamespace(NAMESPACE);
    Set<String> wanted = new HashSet<>();
    for (Map.Entry<DnsEndpoints.Ports, List<DnsEndpoints.Server>> e : servers.entrySet()) {
      String name = NAME + "-" + e.getKey().suffix();
      wanted.add(name);
      EndpointSlice want =
          new EndpointSliceBuilder()
              .withNewMetadata()
              .withNamespace(NAMESPACE)
              .withName(name)
              .addToLabels("kubernetes.io/service-name", NAME)
              .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
              .withOwnerReferences(owner)
              .endMetadata()
              .withAddressType("IPv4")
              .withEndpoints(DnsEndpoints.sliceEndpoints(e.getValue()))
              .withPorts(DnsEndpoints.slicePorts(e.getKey()))
              .build();
      EndpointSlice have = slices.withName(name).get();
      if (have == null) {
        slices.resource(want).create();
      } else if (!Objects.equals(have.getEndpoints(), want.getEndpoints())
          || !Objects.equals(have.getPorts(), want.getPorts())) {
        want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
        slices.resource(want).update();
      }
    }
    for (EndpointSlice s : slices.withLabel(MANAGED_BY_LABEL, MANAGED_BY).list().getItems()) {
      if (!wanted.contains(s.getMetadata().getName())) {
        slices.withName(s.getMetadata().getName()).delete();
      }
    }
  }

  @Override
  public void close() {
    syncs.close();
    if (nodes != null) {
      nodes.close();
    }
  }
}

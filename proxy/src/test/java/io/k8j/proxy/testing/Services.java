package io.k8j.proxy.testing;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Terse builders of Services and EndpointSlices for the proxy's tests. */
public final class Services {
  private Services() {}

  /** A Service named {@code namespace/name}, of type ClusterIP until told otherwise. */
  public static Svc service(String key) {
    return new Svc(key);
  }

  /** An EndpointSlice named {@code namespace/name} of the Service {@code service}. */
  public static Slice slice(String key, String service) {
    return new Slice(key, service);
  }

  public static final class Svc {
    private final String namespace;
    private final String name;
    private final Map<String, String> labels = new HashMap<>();
    private final ServiceSpec spec = new ServiceSpec();
    private final List<ServicePort> ports = new ArrayList<>();
    private final List<String> ingress = new ArrayList<>();

    private Svc(String key) {
      namespace = key.substring(0, key.indexOf('/'));
      name = key.substring(key.indexOf('/') + 1);
      spec.setType("ClusterIP");
      spec.setSessionAffinity("None");
    }

    public Svc clusterIp(String ip) {
      spec.setClusterIP(ip);
      return this;
    }

    public Svc type(String type) {
      spec.setType(type);
      return this;
    }

    public Svc port(String portName, int port, String protocol) {
      return port(portName, port, protocol, 0);
    }

    public Svc port(String portName, int port, String protocol, int nodePort) {
      ports.add(
          new ServicePortBuilder()
              .withName(portName.isEmpty() ? null : portName)
              .withPort(port)
              .withProtocol(protocol)
              .withNodePort(nodePort == 0 ? null : nodePort)
              .build());
      return this;
    }

    public Svc externalIps(String... ips) {
      spec.setExternalIPs(List.of(ips));
      return this;
    }

    public Svc ingress(String... ips) {
      ingress.addAll(List.of(ips));
      return this;
    }

    public Svc sourceRanges(String... cidrs) {
      spec.setLoadBalancerSourceRanges(List.of(cidrs));
      return this;
    }

    public Svc affinity(int timeoutSeconds) {
      spec.setSessionAffinity("ClientIP");
      spec.setSessionAffinityConfig(
          new io.fabric8.kubernetes.api.model.SessionAffinityConfigBuilder()
              .withNewClientIP()
              .withTimeoutSeconds(timeoutSeconds)
              .endClientIP()
              .build());
      return this;
    }

    public Svc externalTrafficPolicy(String policy) {
      spec.setExternalTrafficPolicy(policy);
      return this;
    }

    public Svc internalTrafficPolicy(String policy) {
      spec.setInternalTrafficPolicy(policy);
      return this;
    }

    public Svc label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Service build() {
      spec.setPorts(List.copyOf(ports));
      ServiceBuilder b =
          new ServiceBuilder()
              .withMetadata(
                  new ObjectMetaBuilder()
                      .withNamespace(namespace)
                      .withName(name)
                      .withLabels(labels.isEmpty() ? null : Map.copyOf(labels))
                      .build())
              .withSpec(spec);
      if (!ingress.isEmpty()) {
        b.withNewStatus()
            .withNewLoadBalancer()
            .withIngress(
                ingress.stream()
                    .map(ip -> new LoadBalancerIngressBuilder().withIp(ip).build())
                    .toList())
            .endLoadBalancer()
            .endStatus();
      }
      return b.build();
    }
  }

  public static final class Slice {
    private final EndpointSliceBuilder b;

    private Slice(String key, String service) {
      b =
          new EndpointSliceBuilder()
              .withNewMetadata()
              .withNamespace(key.substring(0, key.indexOf('/')))
              .withName(key.substring(key.indexOf('/') + 1))
              .addToLabels("kubernetes.io/service-name", service)
              .endMetadata()
              .withAddressType("IPv4");
    }

    public Slice addressType(String type) {
      b.withAddressType(type);
      return this;
    }

    public Slice port(String name, int port, String protocol) {
      b.addToPorts(
          new EndpointPortBuilder()
              .withName(name.isEmpty() ? null : name)
              .withPort(port)
              .withProtocol(protocol)
              .build());
      return this;
    }

    /** A ready endpoint on {@code node} (null for none). */
    public Slice ready(String ip, String node) {
      return endpoint(ip, node, true, true, false);
    }

    public Slice endpoint(
        String ip, String node, Boolean ready, Boolean serving, Boolean terminating) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses(ip)
              .withNodeName(node)
              .withConditions(
                  new EndpointConditionsBuilder()
                      .withReady(ready)
                      .withServing(serving)
                      .withTerminating(terminating)
                      .build())
              .build());
      return this;
    }

    public EndpointSlice build() {
      return b.build();
    }
  }
}

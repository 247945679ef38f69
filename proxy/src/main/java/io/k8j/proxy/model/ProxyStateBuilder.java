package io.k8j.proxy.model;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reduces Services and EndpointSlices to a {@link ProxyState} for one node, with upstream
 * kube-proxy's reading of them: Services labelled {@code service.kubernetes.io/service-proxy-name}
 * and headless or ExternalName Services are skipped; slices are joined to their Service by the
 * {@code kubernetes.io/service-name} label, only IPv4 slices count, an endpoint's first address is
 * used, and an endpoint in several slices is kept once (as local if any copy is).
 */
public final class ProxyStateBuilder {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";
  static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
  static final int DEFAULT_STICKY_SECONDS = 10800;

  private ProxyStateBuilder() {}

  public static ProxyState build(
      Collection<Service> services, Collection<EndpointSlice> slices, String nodeName) {
    Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = labels(slice.getMetadata().getLabels());
      String svc = labels.get(SERVICE_NAME_LABEL);
      if (svc == null || labels.containsKey(HEADLESS_LABEL)) {
        continue;
      }
      if (!"IPv4".equals(slice.getAddressType())) {
        continue;
      }
      slicesByService
          .computeIfAbsent(slice.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
          .add(slice);
    }
    Map<ServicePortName, ServicePortInfo> ports = new HashMap<>();
    Map<ServicePortName, List<Endpoint>> endpoints = new HashMap<>();
    for (Service service : services) {
      if (!proxied(service)) {
        continue;
      }
      String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      List<EndpointSlice> own = new ArrayList<>(slicesByService.getOrDefault(key, List.of()));
      own.sort(Comparator.comparing(s -> s.getMetadata().getName()));
      for (ServicePort port : service.getSpec().getPorts()) {
        ServicePortInfo info = portInfo(service, port);
        ports.put(info.name(), info);
        endpoints.put(info.name(), endpoints(info.name(), own, nodeName));
      }
    }
    return new ProxyState(ports, endpoints);
  }

  private static boolean proxied(Service service) {
    ServiceSpec spec = service.getSpec();
    if (spec == null || spec.getPorts() == null) {
      return false;
    }
    if (labels(service.getMetadata().getLabels()).containsKey(SERVICE_PROXY_NAME_LABEL)) {
      return false;
    }
    String ip = spec.getClusterIP();
    return !"ExternalName".equals(spec.getType())
        && ip != null
        && !ip.isEmpty()
        && !ip.equals("None")
        && !ip.contains(":");
  }

  static ServicePortInfo portInfo(Service service, ServicePort port) {
    ServiceSpec spec = service.getSpec();
    String type = Objects.requireNonNullElse(spec.getType(), "ClusterIP");
    ServicePortName name =
        new ServicePortName(
            service.getMetadata().getNamespace(),
            service.getMetadata().getName(),
            Objects.requireNonNullElse(port.getName(), ""),
            Objects.requireNonNullElse(port.getProtocol(), "TCP"));
    List<String> externalIps = ipv4(spec.getExternalIPs());
    List<String> lbIps = new ArrayList<>();
    if (type.equals("LoadBalancer")
        && service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        String ip = ingress.getIp();
        if (ip != null
            && !ip.isEmpty()
            && !ip.contains(":")
            && !"Proxy".equals(ingress.getIpMode())) {
          lbIps.add(ip);
        }
      }
    }
    boolean externallyAccessible =
        type.equals("LoadBalancer")
            || type.equals("NodePort")
            || (type.equals("ClusterIP") && !externalIps.isEmpty());
    boolean affinity = "ClientIP".equals(spec.getSessionAffinity());
    int sticky = DEFAULT_STICKY_SECONDS;
    if (affinity
        && spec.getSessionAffinityConfig() != null
        && spec.getSessionAffinityConfig().getClientIP() != null
        && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null) {
      sticky = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
    }
    List<String> sourceRanges = new ArrayList<>();
    if (spec.getLoadBalancerSourceRanges() != null) {
      for (String r : spec.getLoadBalancerSourceRanges()) {
        if (!r.isBlank() && !r.contains(":")) {
          sourceRanges.add(r.trim());
        }
      }
    }
    return new ServicePortInfo(
        name,
        spec.getClusterIP(),
        port.getPort(),
        port.getNodePort() == null ? 0 : port.getNodePort(),
        externalIps,
        lbIps,
        sourceRanges,
        affinity,
        sticky,
        "Local".equals(spec.getInternalTrafficPolicy()),
        externallyAccessible && "Local".equals(spec.getExternalTrafficPolicy()));
  }

  private static List<Endpoint> endpoints(
      ServicePortName name, List<EndpointSlice> slices, String nodeName) {
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      if (slice.getPorts() == null || slice.getEndpoints() == null) {
        continue;
      }
      for (EndpointPort p : slice.getPorts()) {
        if (!Objects.requireNonNullElse(p.getName(), "").equals(name.port())
            || !Objects.requireNonNullElse(p.getProtocol(), "TCP").equals(name.protocol())
            || p.getPort() == null
            || p.getPort() == 0) {
          continue;
        }
        for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
          if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
            continue;
          }
          EndpointConditions c = e.getConditions();
          boolean ready = c == null || c.getReady() == null || c.getReady();
          boolean serving = c == null || c.getServing() == null || c.getServing();
          boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
          boolean local = nodeName != null && nodeName.equals(e.getNodeName());
          Endpoint ep =
              new Endpoint(
                  e.getAddresses().getFirst(), p.getPort(), local, ready, serving, terminating);
          Endpoint seen = byAddress.get(ep.toString());
          if (seen == null || (local && !seen.local())) {
            byAddress.put(ep.toString(), ep);
          }
        }
      }
    }
    return List.copyOf(byAddress.values());
  }

  private static List<String> ipv4(List<String> ips) {
    if (ips == null) {
      return List.of();
    }
    return ips.stream().filter(ip -> ip != null && !ip.isEmpty() && !ip.contains(":")).toList();
  }

  private static Map<String, String> labels(Map<String, String> labels) {
    return labels == null ? Map.of() : labels;
  }
}

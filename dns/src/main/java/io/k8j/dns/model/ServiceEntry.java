package io.k8j.dns.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A Service reduced to what DNS answers with. */
public record ServiceEntry(
    String namespace,
    String name,
    Kind kind,
    List<InetAddress> clusterIps,
    String externalName,
    List<PortEntry> ports) {

  public enum Kind {
    /** Answers with its cluster IPs. */
    CLUSTER_IP,
    /** {@code clusterIP: None}: answers with its ready endpoints. */
    HEADLESS,
    /** {@code type: ExternalName}: a CNAME. */
    EXTERNAL_NAME
  }

  public ServiceEntry {
    clusterIps = List.copyOf(clusterIps);
    ports = List.copyOf(ports);
  }

  public static ServiceEntry of(Service service) {
    ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    List<PortEntry> ports = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        ports.add(
            new PortEntry(p.getName(), p.getProtocol(), p.getPort() == null ? 0 : p.getPort()));
      }
    }
    if ("ExternalName".equals(spec.getType())) {
      return new ServiceEntry(
          namespace, name, Kind.EXTERNAL_NAME, List.of(), spec.getExternalName(), ports);
    }
    if ("None".equals(spec.getClusterIP())) {
      return new ServiceEntry(namespace, name, Kind.HEADLESS, List.of(), null, ports);
    }
    List<String> ips = spec.getClusterIPs();
    if (ips == null || ips.isEmpty()) {
      ips = spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      InetAddress address = IpLiterals.parse(ip);
      if (address != null) {
        addresses.add(address);
      }
    }
    return new ServiceEntry(namespace, name, Kind.CLUSTER_IP, addresses, null, ports);
  }
}

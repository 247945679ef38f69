package io.k8j.dns.model;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An EndpointSlice reduced to its ready addresses and its ports, as CoreDNS reads one: an endpoint
 * whose {@code conditions.ready} is unset counts as ready; FQDN slices are ignored.
 */
public record SliceEntry(
    String namespace, String name, String serviceName, List<PortEntry> ports, List<Address> ready) {

  /** The label that names a slice's Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * A ready endpoint address. {@code hostname} is the endpoint's hostname or, without one, the
   * address with dashes ({@code 10-1-2-3}): the first label of its name under the Service.
   */
  public record Address(InetAddress ip, String hostname) {}

  public SliceEntry {
    ports = List.copyOf(ports);
    ready = List.copyOf(ready);
  }

  /** The slice's entry, or null when it names no Service or holds no IP addresses. */
  public static SliceEntry of(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    if (service == null || "FQDN".equals(slice.getAddressType())) {
      return null;
    }
    List<PortEntry> ports = new ArrayList<>();
    if (slice.getPorts() != null) {
      for (EndpointPort p : slice.getPorts()) {
        ports.add(
            new PortEntry(p.getName(), p.getProtocol(), p.getPort() == null ? -1 : p.getPort()));
      }
    }
    if (ports.isEmpty()) {
      ports.add(PortEntry.NONE);
    }
    List<Address> ready = new ArrayList<>();
    if (slice.getEndpoints() != null) {
      for (Endpoint e : slice.getEndpoints()) {
        boolean isReady =
            e.getConditions() == null
                || e.getConditions().getReady() == null
                || e.getConditions().getReady();
        if (!isReady || e.getAddresses() == null) {
          continue;
        }
        for (String a : e.getAddresses()) {
          InetAddress ip = IpLiterals.parse(a);
          if (ip != null) {
            String hostname =
                e.getHostname() == null || e.getHostname().isEmpty()
                    ? IpLiterals.dashed(a)
                    : e.getHostname();
            ready.add(new Address(ip, hostname));
          }
        }
      }
    }
    return new SliceEntry(
        slice.getMetadata().getNamespace(), slice.getMetadata().getName(), service, ports, ready);
  }
}

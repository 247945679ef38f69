package io.k8j.proxy.model;

import java.util.Comparator;

/**
 * One port of one Service, as upstream's {@code proxy.ServicePortName}: {@code namespace/name:port}
 * (the port's name, omitted when empty) and its protocol ({@code TCP}, {@code UDP}, {@code SCTP}).
 */
public record ServicePortName(String namespace, String name, String port, String protocol)
    implements Comparable<ServicePortName> {
  private static final Comparator<ServicePortName> ORDER =
      Comparator.comparing(ServicePortName::toString).thenComparing(ServicePortName::protocol);

  /** The Service's key, {@code namespace/name}. */
  public String serviceKey() {
    return namespace + "/" + name;
  }

  /** The protocol in lower case, as it appears in iptables rules. */
  public String protocolLower() {
    return protocol.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return serviceKey() + (port.isEmpty() ? "" : ":" + port);
  }

  @Override
  public int compareTo(ServicePortName o) {
    return ORDER.compare(this, o);
  }
}

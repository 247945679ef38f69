package io.k8j.dns.model;

/**
 * A Service or EndpointSlice port as DNS sees it: its name and protocol select SRV records. {@link
 * #NONE} stands for "no port declared" (a headless Service without ports): it gives addresses but
 * no SRV record, as CoreDNS's sentinel port -1.
 */
public record PortEntry(String name, String protocol, int port) {
  public static final PortEntry NONE = new PortEntry("", "", -1);

  public PortEntry {
    name = name == null ? "" : name;
    protocol = protocol == null ? "TCP" : protocol;
  }

  /** Whether a query's port and protocol labels (empty: any) select this port. */
  public boolean matches(String queryPort, String queryProtocol) {
    return (queryPort.isEmpty() || queryPort.equalsIgnoreCase(name))
        && (queryProtocol.isEmpty() || queryProtocol.equalsIgnoreCase(protocol));
  }
}

package io.k8j.proxy.iptables;

/**
 * The node-wide choices that shape the rules.
 *
 * @param clusterCidr the pods' range ({@code 10.42.0.0/16}); traffic to a cluster IP from outside
 *     it is masqueraded. Null when unknown: then only {@code masqueradeAll} masquerades it.
 * @param masqueradeBit the fwmark bit that marks packets for SNAT (upstream's default is 14)
 * @param localhostNodePorts node ports answer on 127.0.0.1 too (sets {@code route_localnet})
 * @param randomFully {@code MASQUERADE --random-fully} (iptables 1.6.2 and later)
 * @param dropInvalid drop conntrack-INVALID forwarded packets (upstream does unless {@code
 *     nf_conntrack_tcp_be_liberal} is set)
 */
public record IptablesConfig(
    String clusterCidr,
    boolean masqueradeAll,
    int masqueradeBit,
    boolean localhostNodePorts,
    boolean randomFully,
    boolean dropInvalid) {

  public static IptablesConfig defaults(String clusterCidr) {
    return new IptablesConfig(clusterCidr, false, 14, true, true, true);
  }

  /** The mark, e.g. {@code 0x4000}. */
  String masqueradeMark() {
    return "0x" + Integer.toHexString(1 << masqueradeBit);
  }
}

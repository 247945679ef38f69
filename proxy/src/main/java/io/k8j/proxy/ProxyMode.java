package io.k8j.proxy;

import java.util.Locale;

/** How the proxy routes: kernel rules, or sockets in this process. */
public enum ProxyMode {
  /** iptables when running as root and iptables works here, userspace otherwise. */
  AUTO,
  /** iptables rules in the nat and filter tables, as upstream kube-proxy's iptables mode. */
  IPTABLES,
  /** Listeners in this process on the node's addresses; works without root. */
  USERSPACE;

  /** Parses {@code auto}, {@code iptables} or {@code userspace} (any case). */
  public static ProxyMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown proxy mode \"" + s + "\" (one of auto, iptables, userspace)", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

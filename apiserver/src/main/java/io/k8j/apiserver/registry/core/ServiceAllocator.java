package io.k8j.apiserver.registry.core;

import io.k8j.apiserver.registry.validation.FieldError;
import java.util.BitSet;
import java.util.List;

/**
 * Cluster IPs from the service range and node ports from 30000-32767, each handed out at most once
 * and released when its Service goes. The state lives in memory and is rebuilt from the stored
 * Services at start; one API server owns it.
 */
public final class ServiceAllocator {
  public static final int NODE_PORT_MIN = 30000;
  public static final int NODE_PORT_MAX = 32767;

  private final String cidr;
  private final long base;
  private final int size;
  private final BitSet ips = new BitSet();
  private final BitSet ports = new BitSet();
  private int nextIp = 10;
  private int nextPort;

  public ServiceAllocator(String cidr) {
    this.cidr = cidr;
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    this.base = toLong(parts[0]) & (0xFFFFFFFFL << (32 - bits));
    this.size = 1 << (32 - bits);
  }

  /** The first usable address, which the {@code kubernetes} Service gets. */
  public String firstIp() {
    return fromLong(base + 1);
  }

  /** Allocates any free cluster IP. */
  public synchronized String allocateIp() {
    for (int n = 0; n < size - 2; n++) {
      int offset = 1 + (nextIp + n) % (size - 2);
      if (!ips.get(offset)) {
        ips.set(offset);
        nextIp = offset + 1;
        return fromLong(base + offset);
      }
    }
    throw new IllegalStateException("range is full");
  }

  /** Allocates a given cluster IP; the error says why it cannot be had, or null when it was. */
  public synchronized FieldError allocateIp(String ip) {
    long v;
    try {
      v = toLong(ip);
    } catch (RuntimeException e) {
      return FieldError.invalid("spec.clusterIPs[0]", ip, "must be a valid IP address");
    }
    long offset = v - base;
    if (offset <= 0 || offset >= size - 1) {
      return FieldError.invalid(
          "spec.clusterIPs",
          new FieldError.Raw("[]string{\"" + ip + "\"}"),
          "failed to allocate IP "
              + ip
              + ": the provided IP ("
              + ip
              + ") is not in the valid range. The range of valid IPs is "
              + cidr);
    }
    if (ips.get((int) offset)) {
      return FieldError.invalid(
          "spec.clusterIPs",
          new FieldError.Raw("[]string{\"" + ip + "\"}"),
          "failed to allocate IP " + ip + ": provided IP is already allocated");
    }
    ips.set((int) offset);
    return null;
  }

  public synchronized void releaseIp(String ip) {
    try {
      long offset = toLong(ip) - base;
      if (offset > 0 && offset < size) {
        ips.clear((int) offset);
      }
    } catch (RuntimeException ignored) {
      // not an address of the range: nothing was allocated for it
    }
  }

  /** Allocates any free node port. */
  public synchronized int allocatePort() {
    int span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    for (int n = 0; n < span; n++) {
      int offset = (nextPort + n) % span;
      if (!ports.get(offset)) {
        ports.set(offset);
        nextPort = offset + 1;
        return NODE_PORT_MIN + offset;
      }
    }
    throw new IllegalStateException("node port range is full");
  }

  /** Allocates a given node port; the detail of why not, or null when it was. */
  public synchronized String allocatePort(int port) {
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
      return "provided port is not in the valid range. The range of valid ports is "
          + NODE_PORT_MIN
          + "-"
          + NODE_PORT_MAX;
    }
    if (ports.get(port - NODE_PORT_MIN)) {
      return "provided port is already allocated";
    }
    ports.set(port - NODE_PORT_MIN);
    return null;
  }

  public synchronized void releasePort(int port) {
    if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) {
      ports.clear(port - NODE_PORT_MIN);
    }
  }

  /** Marks what stored Services already hold (at start). */
  public synchronized void restore(List<String> clusterIps, List<Integer> nodePorts) {
    clusterIps.forEach(this::allocateIp);
    nodePorts.forEach(this::allocatePort);
  }

  private static long toLong(String ip) {
    String[] o = ip.split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    long v = 0;
    for (String s : o) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      v = (v << 8) | b;
    }
    return v;
  }

  private static String fromLong(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }
}

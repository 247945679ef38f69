package io.k8j.apiserver.registry.core;

import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cluster IPs from the service range and node ports from 30000-32767, each handed out at most once
 * and released when its Service goes. Every allocation is a claim in a {@link Ledger}: in the store
 * (one key per address or port under {@code /registry/ranges/}, created only if absent), so that
 * several API servers on one store never hand out the same one. The bit sets here only remember
 * what this server has seen taken, to pick candidates quickly.
 */
public final class ServiceAllocator {
  /** Where allocations are claimed. */
  public interface Ledger {
    /** Claims a value; false when it is already held. */
    boolean claim(String range, String value);

    void release(String range, String value);

    /** Every value of the range that is held. */
    List<String> claimed(String range);
  }

  /** A ledger in memory, for one API server alone (and tests). */
  public static Ledger inMemory() {
    Set<String> held = new HashSet<>();
    return new Ledger() {
      @Override
      public synchronized boolean claim(String range, String value) {
        return held.add(range + "/" + value);
      }

      @Override
      public synchronized void release(String range, String value) {
        held.remove(range + "/" + value);
      }

      @Override
      public synchronized List<String> claimed(String range) {
        List<String> out = new ArrayList<>();
        for (String k : held) {
          if (k.startsWith(range + "/")) {
            out.add(k.substring(range.length() + 1));
          }
        }
        return out;
      }
    };
  }

  /**
   * The ledger in the store, shared by every API server on it (as upstream's range allocations).
   */
  public static Ledger inStore(Store store) {
    return new Ledger() {
      private static final String PREFIX = "/registry/ranges/";

      @Override
      public boolean claim(String range, String value) {
        return store
            .create(
                PREFIX + range + "/" + value, value.getBytes(StandardCharsets.UTF_8), LeaseId.NONE)
            .succeeded();
      }

      @Override
      public void release(String range, String value) {
        store.delete(PREFIX + range + "/" + value, Revision.ZERO);
      }

      @Override
      public List<String> claimed(String range) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : store.range(RangeRequest.prefix(PREFIX + range + "/")).kvs()) {
          out.add(kv.key().substring(kv.key().lastIndexOf('/') + 1));
        }
        return out;
      }
    };
  }

  private static final String IPS = "serviceips";
  private static final String PORTS = "servicenodeports";

  public static final int NODE_PORT_MIN = 30000;
  public static final int NODE_PORT_MAX = 32767;

  private final String cidr;
  private final long base;
  private final int size;
  private final BitSet ips = new BitSet();
  private final BitSet ports = new BitSet();
  private int nextIp = 10;
  private int nextPort;

  private final Ledger ledger;

  public ServiceAllocator(String cidr) {
    this(cidr, inMemory());
  }

  public ServiceAllocator(String cidr, Ledger ledger) {
    this.cidr = cidr;
    this.ledger = ledger;
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
    for (int pass = 0; pass < 2; pass++) {
      for (int n = 0; n < size - 2; n++) {
        int offset = 1 + (nextIp + n) % (size - 2);
        if (!ips.get(offset)) {
          ips.set(offset);
          String ip = fromLong(base + offset);
          if (ledger.claim(IPS, ip)) {
            nextIp = offset + 1;
            return ip;
          }
        }
      }
      // another API server may have released some: start again from what the ledger holds
      ips.clear();
      ledger.claimed(IPS).forEach(ip -> ips.set((int) (toLong(ip) - base)));
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
    ips.set((int) offset);
    if (!ledger.claim(IPS, fromLong(v))) {
      return FieldError.invalid(
          "spec.clusterIPs",
          new FieldError.Raw("[]string{\"" + ip + "\"}"),
          "failed to allocate IP " + ip + ": provided IP is already allocated");
    }
    return null;
  }

  public synchronized void releaseIp(String ip) {
    try {
      long offset = toLong(ip) - base;
      if (offset > 0 && offset < size) {
        ips.clear((int) offset);
        ledger.release(IPS, fromLong(base + offset));
      }
    } catch (RuntimeException ignored) {
      // not an address of the range: nothing was allocated for it
    }
  }

  /** Allocates any free node port. */
  public synchronized int allocatePort() {
    int span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    for (int pass = 0; pass < 2; pass++) {
      for (int n = 0; n < span; n++) {
        int offset = (nextPort + n) % span;
        if (!ports.get(offset)) {
          ports.set(offset);
          if (ledger.claim(PORTS, Integer.toString(NODE_PORT_MIN + offset))) {
            nextPort = offset + 1;
            return NODE_PORT_MIN + offset;
          }
        }
      }
      ports.clear();
      ledger.claimed(PORTS).forEach(p -> ports.set(Integer.parseInt(p) - NODE_PORT_MIN));
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
    ports.set(port - NODE_PORT_MIN);
    if (!ledger.claim(PORTS, Integer.toString(port))) {
      return "provided port is already allocated";
    }
    return null;
  }

  public synchronized void releasePort(int port) {
    if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) {
      ports.clear(port - NODE_PORT_MIN);
      ledger.release(PORTS, Integer.toString(port));
    }
  }

  /**
   * Marks what the ledger and the stored Services already hold (at start); a Service's address or
   * port missing from the ledger (stored before it kept one) is claimed now.
   */
  public synchronized void restore(List<String> clusterIps, List<Integer> nodePorts) {
    clusterIps.forEach(this::allocateIp);
    nodePorts.forEach(this::allocatePort);
    for (String ip : ledger.claimed(IPS)) {
      long offset = toLong(ip) - base;
      if (offset > 0 && offset < size) {
        ips.set((int) offset);
      }
    }
    for (String p : ledger.claimed(PORTS)) {
      int port = Integer.parseInt(p);
      if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) {
        ports.set(port - NODE_PORT_MIN);
      }
    }
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

package io.k8j.controllers.nodeipam;

import java.util.BitSet;

/**
 * The IPv4 subnets of one size inside a cluster range (upstream's {@code cidrset}): {@code
 * 10.42.0.0/16} with mask size 24 holds 256 subnets. Allocation goes round from the last one handed
 * out, so a released subnet is not reused at once. Not thread-safe.
 */
final class CidrSet {
  private final int base;
  private final int clusterPrefix;
  private final int subnetPrefix;
  private final int count;
  private final BitSet used;
  private int next;

  /**
   * @param clusterCidr e.g. {@code 10.42.0.0/16}
   * @param subnetPrefix the size of each node's range, e.g. 24
   * @throws IllegalArgumentException if the range is not IPv4 or the subnet is not inside it
   */
  CidrSet(String clusterCidr, int subnetPrefix) {
    int[] parsed = parse(clusterCidr);
    this.clusterPrefix = parsed[1];
    if (subnetPrefix < clusterPrefix || subnetPrefix > 30) {
      throw new IllegalArgumentException(
          "node CIDR mask size " + subnetPrefix + " does not fit cluster CIDR " + clusterCidr);
    }
    if (subnetPrefix - clusterPrefix > 16) {
      throw new IllegalArgumentException(
          "cluster CIDR " + clusterCidr + " holds too many /" + subnetPrefix + " subnets");
    }
    this.base = parsed[0] & mask(clusterPrefix);
    this.subnetPrefix = subnetPrefix;
    this.count = 1 << (subnetPrefix - clusterPrefix);
    this.used = new BitSet(count);
  }

  /** The next free subnet, marked used; null when every one is taken. */
  String allocate() {
    for (int i = 0; i < count; i++) {
      int candidate = (next + i) % count;
      if (!used.get(candidate)) {
        used.set(candidate);
        next = (candidate + 1) % count;
        return format(candidate);
      }
    }
    return null;
  }

  /** Marks {@code cidr} used; false when it is not one of this set's subnets. */
  boolean occupy(String cidr) {
    int i = index(cidr);
    if (i < 0) {
      return false;
    }
    used.set(i);
    return true;
  }

  /** Frees {@code cidr} (nothing happens when it is not one of this set's subnets). */
  void release(String cidr) {
    int i = index(cidr);
    if (i >= 0) {
      used.clear(i);
    }
  }

  int free() {
    return count - used.cardinality();
  }

  private int index(String cidr) {
    int[] p;
    try {
      p = parse(cidr);
    } catch (IllegalArgumentException e) {
      return -1;
    }
    if (p[1] != subnetPrefix || (p[0] & mask(clusterPrefix)) != base) {
      return -1;
    }
    return (p[0] - base) >>> (32 - subnetPrefix);
  }

  private String format(int index) {
    int a = base + (index << (32 - subnetPrefix));
    return (a >>> 24)
        + "."
        + ((a >>> 16) & 255)
        + "."
        + ((a >>> 8) & 255)
        + "."
        + (a & 255)
        + "/"
        + subnetPrefix;
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** {address as int, prefix}; rejects anything but a.b.c.d/n. */
  private static int[] parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    String[] o = cidr.substring(0, slash).split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
    }
    int a = 0;
    try {
      for (String part : o) {
        int v = Integer.parseInt(part);
        if (v < 0 || v > 255) {
          throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        a = (a << 8) | v;
      }
      int prefix = Integer.parseInt(cidr.substring(slash + 1));
      if (prefix < 0 || prefix > 32) {
        throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
      }
      return new int[] {a, prefix};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr, e);
    }
  }
}

package io.k8j.kubelet.network;

/** An IPv4 range in CIDR notation ({@code 10.42.0.1/24} stands for {@code 10.42.0.0/24}). */
record Ipv4Cidr(long base, int prefix) {

  /** Parses {@code a.b.c.d/n}; the host bits are dropped. */
  static Ipv4Cidr parse(String cidr) {
    int slash = cidr.indexOf('/');
    String[] o = (slash < 0 ? cidr : cidr.substring(0, slash)).split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
    }
    long address = 0;
    for (String part : o) {
      int v = Integer.parseInt(part);
      if (v < 0 || v > 255) {
        throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
      }
      address = (address << 8) | v;
    }
    int prefix = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
    }
    return new Ipv4Cidr(address & mask(prefix), prefix);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
  }

  /** Whether two ranges share an address; false for anything that is not IPv4. */
  static boolean overlap(String a, String b) {
    Ipv4Cidr x;
    Ipv4Cidr y;
    try {
      x = parse(a);
      y = parse(b);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int shorter = Math.min(x.prefix, y.prefix);
    return (x.base & mask(shorter)) == (y.base & mask(shorter));
  }
}

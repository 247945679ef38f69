package io.k8j.dns.model;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, parsed strictly: never a name lookup, never BSD forms like {@code 1.2}. */
public final class IpLiterals {
  private IpLiterals() {}

  /** The address {@code s} spells, or null when it is not an IPv4 dotted quad or IPv6 literal. */
  public static InetAddress parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') >= 0) {
      if (s.charAt(0) == '.') {
        return null;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok =
            (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f')
                || (c >= 'A' && c <= 'F')
                || c == ':'
                || c == '.';
        if (!ok) {
          return null;
        }
      }
      return byLiteral(s);
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      bytes[i] = (byte) v;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The address with its dots or colons replaced by dashes, as a DNS label. */
  public static String dashed(String ip) {
    return ip.replace('.', '-').replace(':', '-');
  }

  private static InetAddress byLiteral(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}

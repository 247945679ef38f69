package io.k8j.proxy.iptables;

import io.k8j.proxy.model.Endpoint;
import io.k8j.proxy.model.ServicePortName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Upstream's per-service chain names: a prefix and the first 16 characters of the base32 (RFC 4648)
 * SHA-256 of {@code namespace/name:port} + the lower-case protocol (+ {@code ip:port} for endpoint
 * chains), so the names are the ones kube-proxy would use.
 */
final class ChainNames {
  static final String SERVICES = "KUBE-SERVICES";
  static final String EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
  static final String NODE_PORTS = "KUBE-NODEPORTS";
  static final String POSTROUTING = "KUBE-POSTROUTING";
  static final String MARK_MASQ = "KUBE-MARK-MASQ";
  static final String FORWARD = "KUBE-FORWARD";
  static final String PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
  static final String FIREWALL = "KUBE-FIREWALL";

  private static final String[] SERVICE_PREFIXES = {
    "KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"
  };
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private ChainNames() {}

  static String cluster(ServicePortName n) {
    return "KUBE-SVC-" + hash(n.toString() + n.protocolLower());
  }

  static String local(ServicePortName n) {
    return "KUBE-SVL-" + hash(n.toString() + n.protocolLower());
  }

  static String external(ServicePortName n) {
    return "KUBE-EXT-" + hash(n.toString() + n.protocolLower());
  }

  static String firewall(ServicePortName n) {
    return "KUBE-FW-" + hash(n.toString() + n.protocolLower());
  }

  static String endpoint(ServicePortName n, Endpoint e) {
    return "KUBE-SEP-" + hash(n.toString() + n.protocolLower() + e);
  }

  /** A per-service or per-endpoint chain, which syncs delete once nothing uses it. */
  static boolean isServiceChain(String chain) {
    for (String p : SERVICE_PREFIXES) {
      if (chain.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  static String hash(String s) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return base32(digest).substring(0, 16);
  }

  private static String base32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }
}

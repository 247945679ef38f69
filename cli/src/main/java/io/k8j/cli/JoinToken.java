package io.k8j.cli;

import io.k8j.apiserver.auth.BootstrapToken;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * What {@code k8j token create} prints and {@code k8j agent --token} takes, in k3s's form {@code
 * K10<ca-hash>::<id>.<secret>}: the SHA-256 of the cluster CA certificate (DER), so that a joining
 * node can check it talks to the right server before it trusts it, and the bootstrap token it
 * authenticates with.
 */
record JoinToken(String caHash, BootstrapToken token) {
  static final String PREFIX = "K10";

  /**
   * Reads a join token.
   *
   * @throws IllegalArgumentException with a one-line reason when {@code text} is not one
   */
  static JoinToken parse(String text) {
    String t = text == null ? "" : text.strip();
    int sep = t.indexOf("::");
    if (!t.startsWith(PREFIX) || sep < 0) {
      throw new IllegalArgumentException(
          "the token is not a join token (K10<ca-hash>::<id>.<secret>, as k8j token create prints)");
    }
    String hash = t.substring(PREFIX.length(), sep).toLowerCase();
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("the token's CA hash is not a SHA-256 in hex");
    }
    BootstrapToken token = BootstrapToken.parse(t.substring(sep + 2));
    if (token == null) {
      throw new IllegalArgumentException(
          "the token's bootstrap part is not of the form [a-z0-9]{6}.[a-z0-9]{16}");
    }
    return new JoinToken(hash, token);
  }

  /** The hash a join token carries for {@code ca}: SHA-256 of its DER encoding, in hex. */
  static String caHash(X509Certificate ca) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return PREFIX + caHash + "::" + token;
  }
}

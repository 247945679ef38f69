package io.k8j.apiserver.auth;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bootstrap token, {@code <id>.<secret>}: six and sixteen characters of {@code [a-z0-9]}, kept in
 * the Secret {@code kube-system/bootstrap-token-<id>} (upstream's {@code
 * bootstrap.kubernetes.io/token} type). The id is public; the secret is what proves the holder.
 */
public record BootstrapToken(String id, String secret) {
  public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
  public static final String SECRET_PREFIX = "bootstrap-token-";
  public static final String GROUP = "system:bootstrappers";
  public static final String USER_PREFIX = "system:bootstrap:";
  private static final Pattern FORMAT = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
  private static final String CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The token in {@code text}, or null when it is not of the bootstrap token's form. */
  public static BootstrapToken parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text);
    return m.matches() ? new BootstrapToken(m.group(1), m.group(2)) : null;
  }

  /** A new random token. */
  public static BootstrapToken generate() {
    return new BootstrapToken(random(6), random(16));
  }

  private static String random(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(CHARS.charAt(RANDOM.nextInt(CHARS.length())));
    }
    return sb.toString();
  }

  /** The name of the Secret that holds it. */
  public String secretName() {
    return SECRET_PREFIX + id;
  }

  /** The user it authenticates as. */
  public String user() {
    return USER_PREFIX + id;
  }

  @Override
  public String toString() {
    return id + "." + secret;
  }
}

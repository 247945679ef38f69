package io.k8j.kubelet.server;

import io.k8j.common.Clock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the kubelet API, decided as upstream's kubelet in webhook mode ({@code
 * --authentication-token-webhook}, {@code --authorization-mode=Webhook}, anonymous access off): a
 * client certificate the cluster CA signed names the caller (CN the user, O its groups), else a
 * bearer token the API server vouches for in a TokenReview; every request is then put to the API
 * server as a SubjectAccessReview on the node ({@link KubeletRequestAttributes}). Answers are kept
 * a while, as upstream's webhook caches: tokens 2 minutes, allowed decisions 5 minutes, denials 30
 * seconds.
 */
public final class KubeletAuth {
  private static final Logger log = LoggerFactory.getLogger(KubeletAuth.class);
  static final Duration TOKEN_TTL = Duration.ofMinutes(2);
  static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
  static final Duration DENIED_TTL = Duration.ofSeconds(30);
  private static final int CACHE_LIMIT = 10_000;

  /** An authenticated caller. */
  public record Caller(String name, List<String> groups) {
    public Caller {
      groups = List.copyOf(groups);
    }
  }

  /** The reviews the API server answers. */
  public interface Reviews {
    /**
     * The user a bearer token belongs to, or null when the API server does not authenticate it.
     *
     * @throws RuntimeException when the API server could not be asked
     */
    Caller tokenReview(String token);

    /**
     * Whether the API server allows {@code caller} the request {@code attributes} describes.
     *
     * @throws RuntimeException when the API server could not be asked
     */
    boolean subjectAccessReview(Caller caller, KubeletRequestAttributes attributes);
  }

  /** What to do with a request: serve it as {@code caller}, or refuse it. */
  public record Decision(Caller caller, int code, String message) {
    public boolean allowed() {
      return caller != null && code == 0;
    }
  }

  private record Cached<T>(T value, long expiresAtNanos) {}

  private final String nodeName;
  private final Reviews reviews;
  private final Clock clock;
  private final Map<String, Cached<Caller>> tokens = new ConcurrentHashMap<>();
  private final Map<String, Cached<Boolean>> decisions = new ConcurrentHashMap<>();

  public KubeletAuth(String nodeName, Reviews reviews, Clock clock) {
    this.nodeName = nodeName;
    this.reviews = reviews;
    this.clock = clock;
  }

  /**
   * Decides a request to {@code path} with {@code method}, made with the verified client
   * certificate chain {@code certificates} (null or empty when none) and the {@code Authorization}
   * header {@code authorization} (null when none).
   */
  public Decision decide(
      X509Certificate[] certificates, String authorization, String method, String path) {
    Caller caller;
    try {
      caller = authenticate(certificates, authorization);
    } catch (RuntimeException e) {
      log.warn("unable to authenticate the request to {}: {}", path, e.toString());
      return new Decision(null, 401, "Unauthorized");
    }
    if (caller == null) {
      return new Decision(null, 401, "Unauthorized");
    }
    KubeletRequestAttributes a = KubeletRequestAttributes.of(nodeName, method, path);
    String what =
        "(user="
            + caller.name()
            + ", verb="
            + a.verb()
            + ", resource=nodes, subresource="
            + a.subresource()
            + ")";
    boolean allowed;
    try {
      allowed = authorize(caller, a);
    } catch (RuntimeException e) {
      log.warn("authorization error {}: {}", what, e.toString());
      return new Decision(caller, 500, "Authorization error " + what);
    }
    if (!allowed) {
      log.info("forbidden {} {}", what, path);
      return new Decision(caller, 403, "Forbidden " + what);
    }
    return new Decision(caller, 0, "");
  }

  private Caller authenticate(X509Certificate[] certificates, String authorization) {
    if (certificates != null && certificates.length > 0) {
      return fromCertificate(certificates[0]);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty()) {
      return null;
    }
    Cached<Caller> hit = tokens.get(token);
    long now = clock.nanoTime();
    if (hit != null && now - hit.expiresAtNanos() < 0) {
      return hit.value();
    }
    Caller caller = reviews.tokenReview(token);
    put(tokens, token, caller, TOKEN_TTL);
    return caller;
  }

  private boolean authorize(Caller caller, KubeletRequestAttributes a) {
    String key =
        caller.name()
            + "\u0000"
            + String.join(",", caller.groups())
            + "\u0000"
            + a.verb()
            + "\u0000"
            + a.subresource();
    Cached<Boolean> hit = decisions.get(key);
    if (hit != null && clock.nanoTime() - hit.expiresAtNanos() < 0) {
      return hit.value();
    }
    boolean allowed = reviews.subjectAccessReview(caller, a);
    put(decisions, key, allowed, allowed ? ALLOWED_TTL : DENIED_TTL);
    return allowed;
  }

  private <T> void put(Map<String, Cached<T>> cache, String key, T value, Duration ttl) {
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(key, new Cached<>(value, clock.nanoTime() + ttl.toNanos()));
  }

  /** The user (CN) and groups (O) a client certificate names, as upstream's x509 authenticator. */
  static Caller fromCertificate(X509Certificate certificate) {
    String user = "";
    List<String> groups = new ArrayList<>();
    try {
      javax.naming.ldap.LdapName dn =
          new javax.naming.ldap.LdapName(
              certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
      for (javax.naming.ldap.Rdn rdn : dn.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          user = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(rdn.getValue().toString());
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return null;
    }
    if (user.isEmpty()) {
      return null;
    }
    groups.add("system:authenticated");
    return new Caller(user, groups);
  }
}

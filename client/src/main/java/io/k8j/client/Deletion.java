package io.k8j.client;

/**
 * The options of a delete, as upstream's {@code DeleteOptions}.
 *
 * @param propagationPolicy {@code Background}, {@code Foreground}, {@code Orphan}, or null for the
 *     server's default
 * @param preconditionUid null, or the uid the object must still have (so that a recreated object of
 *     the same name is not deleted by mistake)
 * @param gracePeriodSeconds null for the object's own grace period
 */
public record Deletion(String propagationPolicy, String preconditionUid, Long gracePeriodSeconds) {
  public static final Deletion DEFAULT = new Deletion(null, null, null);

  public static Deletion propagation(String policy) {
    return new Deletion(policy, null, null);
  }

  public Deletion withPreconditionUid(String uid) {
    return new Deletion(propagationPolicy, uid, gracePeriodSeconds);
  }

  public Deletion withGracePeriodSeconds(long seconds) {
    return new Deletion(propagationPolicy, preconditionUid, seconds);
  }

  /** The DeleteOptions body. */
  public String toJson() {
    StringBuilder b = new StringBuilder("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"");
    if (propagationPolicy != null) {
      b.append(",\"propagationPolicy\":\"").append(propagationPolicy).append('"');
    }
    if (gracePeriodSeconds != null) {
      b.append(",\"gracePeriodSeconds\":").append(gracePeriodSeconds);
    }
    if (preconditionUid != null) {
      b.append(",\"preconditions\":{\"uid\":\"").append(preconditionUid).append("\"}");
    }
    return b.append('}').toString();
  }
}

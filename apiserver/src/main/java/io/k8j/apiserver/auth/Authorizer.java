package io.k8j.apiserver.auth;

/** Decides whether a request may proceed. Must be safe to call from many threads at once. */
public interface Authorizer {
  boolean allows(Attributes attributes);

  /**
   * Why a request this authorizer does not allow is refused, appended to the 403's message as
   * upstream does ({@code ...: no relationship found between node 'n1' and this object}); "" when
   * there is nothing to say.
   */
  default String denyReason(Attributes attributes) {
    return "";
  }

  /** Upstream's union authorizer: allowed when any allows; the reasons of all the others. */
  static Authorizer union(Authorizer... authorizers) {
    return new Authorizer() {
      @Override
      public boolean allows(Attributes a) {
        for (Authorizer z : authorizers) {
          if (z.allows(a)) {
            return true;
          }
        }
        return false;
      }

      @Override
      public String denyReason(Attributes a) {
        java.util.List<String> reasons = new java.util.ArrayList<>();
        for (Authorizer z : authorizers) {
          String r = z.denyReason(a);
          if (!r.isEmpty()) {
            reasons.add(r);
          }
        }
        return String.join(", ", reasons);
      }
    };
  }
}

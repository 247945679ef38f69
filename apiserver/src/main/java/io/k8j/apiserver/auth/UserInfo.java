package io.k8j.apiserver.auth;

import java.util.List;

/** The user a request was authenticated as, with the groups it belongs to. */
public record UserInfo(String name, String uid, List<String> groups) {
  public static final String ALL_AUTHENTICATED = "system:authenticated";
  public static final String ALL_UNAUTHENTICATED = "system:unauthenticated";
  public static final String MASTERS = "system:masters";
  public static final UserInfo ANONYMOUS =
      new UserInfo("system:anonymous", "", List.of(ALL_UNAUTHENTICATED));

  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
  }

  /** An authenticated user: its groups plus {@code system:authenticated}, as upstream adds. */
  public static UserInfo authenticated(String name, String uid, List<String> groups) {
    if (groups.contains(ALL_AUTHENTICATED)) {
      return new UserInfo(name, uid, groups);
    }
    java.util.ArrayList<String> all = new java.util.ArrayList<>(groups);
    all.add(ALL_AUTHENTICATED);
    return new UserInfo(name, uid, all);
  }

  public boolean isAnonymous() {
    return name.equals(ANONYMOUS.name());
  }
}

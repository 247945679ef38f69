package io.k8j.apiserver.admission;

import io.k8j.apiserver.auth.UserInfo;
import java.util.List;
import java.util.function.Consumer;

/**
 * The user of the request the current thread serves, and where its warnings go; upstream carries
 * both in the request's {@code context.Context}. A request's thread runs inside {@link #run};
 * writes the server makes on its own (bootstrap, controllers inside the server) run as {@link
 * #SYSTEM}.
 */
public final class RequestContext {
  /** The server itself: {@code system:apiserver} in {@code system:masters}. */
  public static final UserInfo SYSTEM =
      UserInfo.authenticated("system:apiserver", "", List.of(UserInfo.MASTERS));

  private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

  private final UserInfo user;
  private final Consumer<String> warnings;

  private RequestContext(UserInfo user, Consumer<String> warnings) {
    this.user = user;
    this.warnings = warnings;
  }

  /** Runs {@code body} on this thread as a request of {@code user}. */
  public static void run(UserInfo user, Consumer<String> warnings, Runnable body) {
    RequestContext previous = CURRENT.get();
    CURRENT.set(new RequestContext(user, warnings));
    try {
      body.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /** The user of the current request, or {@link #SYSTEM} outside of one. */
  public static UserInfo user() {
    RequestContext c = CURRENT.get();
    return c == null ? SYSTEM : c.user;
  }

  static void warn(String message) {
    RequestContext c = CURRENT.get();
    if (c != null) {
      c.warnings.accept(message);
    }
  }
}

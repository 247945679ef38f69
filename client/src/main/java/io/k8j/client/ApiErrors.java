package io.k8j.client;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reads the API server's status codes out of fabric8's exceptions. */
public final class ApiErrors {
  private ApiErrors() {}

  public static int code(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() != 0) {
        return k.getCode();
      }
    }
    return 0;
  }

  public static boolean isNotFound(Throwable e) {
    return code(e) == 404;
  }

  public static boolean isConflict(Throwable e) {
    return code(e) == 409;
  }

  /** 409 with reason AlreadyExists (a create of a name taken). */
  public static boolean isAlreadyExists(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k
          && k.getStatus() != null
          && "AlreadyExists".equals(k.getStatus().getReason())) {
        return true;
      }
    }
    return false;
  }

  /** A server-side error for the given code, as fabric8 would raise it. */
  public static KubernetesClientException status(int code, String reason, String message) {
    return new KubernetesClientException(
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withCode(code)
            .withReason(reason)
            .withMessage(message)
            .withStatus("Failure")
            .build());
  }
}

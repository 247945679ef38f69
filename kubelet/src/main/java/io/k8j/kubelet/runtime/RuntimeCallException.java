package io.k8j.kubelet.runtime;

/** A runtime call that failed, with the CRI (gRPC) status code class it failed with. */
public class RuntimeCallException extends RuntimeException {
  /** The outcomes the kubelet treats differently. */
  public enum Code {
    NOT_FOUND,
    UNAVAILABLE,
    DEADLINE_EXCEEDED,
    FAILED
  }

  private final Code code;

  public RuntimeCallException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public RuntimeCallException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public boolean notFound() {
    return code == Code.NOT_FOUND;
  }

  public static RuntimeCallException notFound(String what) {
    return new RuntimeCallException(Code.NOT_FOUND, what + " not found");
  }
}

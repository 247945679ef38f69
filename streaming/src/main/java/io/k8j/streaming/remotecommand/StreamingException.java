package io.k8j.streaming.remotecommand;

/** A session that could not run: its message goes to the client in a failure Status. */
public final class StreamingException extends Exception {
  public StreamingException(String message) {
    super(message);
  }

  public StreamingException(String message, Throwable cause) {
    super(message, cause);
  }
}

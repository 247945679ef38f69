package io.k8j.store;

/** A failure of the store itself, as opposed to a condition that did not hold. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

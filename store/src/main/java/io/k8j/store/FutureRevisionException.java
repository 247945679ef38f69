package io.k8j.store;

/** A read asked for a revision the store has not reached yet. */
public class FutureRevisionException extends StoreException {
  public FutureRevisionException(Revision requested, Revision current) {
    super("required revision " + requested + " is a future revision; the current is " + current);
  }
}

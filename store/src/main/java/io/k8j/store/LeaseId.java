package io.k8j.store;

/** A lease granted by the store. {@link #NONE} attaches a key to no lease. */
public record LeaseId(long value) {
  public static final LeaseId NONE = new LeaseId(0);

  public boolean isNone() {
    return value == 0;
  }
}

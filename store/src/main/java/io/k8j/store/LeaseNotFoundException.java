package io.k8j.store;

/** A write or keep-alive named a lease that does not exist or has expired. */
public class LeaseNotFoundException extends StoreException {
  public LeaseNotFoundException(LeaseId lease) {
    super("lease " + lease.value() + " not found");
  }
}

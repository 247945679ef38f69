package io.k8j.store;

import java.nio.ByteBuffer;

/**
 * A store revision: the logical clock of the whole store. Every successful write (one create,
 * update or delete) advances it by exactly one; a lease expiry or revoke advances it by one per
 * deleted key, or by one for all of them (see {@link Store#grantLease}). It is what Kubernetes
 * calls a {@code resourceVersion}.
 *
 * <p>{@link #ZERO} means "no revision": the current revision for reads, "from now" for watches,
 * "unconditionally" for deletes. Real revisions start at 1.
 */
public record Revision(long value) implements Comparable<Revision> {
  /** No revision; see the class comment for what it means in each call. */
  public static final Revision ZERO = new Revision(0);

  /** The number of bytes {@link #encode()} produces. */
  public static final int ENCODED_LENGTH = Long.BYTES;

  public Revision {
    if (value < 0) {
      throw new IllegalArgumentException("revision must not be negative: " + value);
    }
  }

  public static Revision of(long value) {
    return value == 0 ? ZERO : new Revision(value);
  }

  /**
   * Parses a Kubernetes resourceVersion string.
   *
   * @throws IllegalArgumentException if it is not a non-negative decimal number
   */
  public static Revision parse(String resourceVersion) {
    try {
      return of(Long.parseLong(resourceVersion));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid resource version: " + resourceVersion);
    }
  }

  public boolean isZero() {
    return value == 0;
  }

  public Revision next() {
    return new Revision(value + 1);
  }

  public Revision previous() {
    return of(value - 1);
  }

  public boolean isAfter(Revision other) {
    return value > other.value;
  }

  public boolean isBefore(Revision other) {
    return value < other.value;
  }

  public static Revision max(Revision a, Revision b) {
    return a.value >= b.value ? a : b;
  }

  /** Big-endian, so that encoded revisions sort in revision order byte by byte. */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_LENGTH).putLong(value).array();
  }

  public static Revision decode(byte[] bytes) {
    if (bytes.length != ENCODED_LENGTH) {
      throw new IllegalArgumentException("an encoded revision has 8 bytes, not " + bytes.length);
    }
    return of(ByteBuffer.wrap(bytes).getLong());
  }

  @Override
  public int compareTo(Revision o) {
    return Long.compare(value, o.value);
  }

  /** The decimal form, as a Kubernetes resourceVersion. */
  @Override
  public String toString() {
    return Long.toString(value);
  }
}

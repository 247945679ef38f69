package io.k8j.scheduler.framework;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Canonical instances of equal immutable values (label sets, affinity terms), so that the pods of
 * one workload share them and a cycle can remember a match by identity instead of matching each pod
 * again. Bounded: past {@code max} entries it starts over, which only costs sharing.
 */
public final class Interner<T> {
  private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();
  private final int max;

  public Interner(int max) {
    this.max = max;
  }

  public T intern(T value) {
    T prior = values.putIfAbsent(value, value);
    if (prior != null) {
      return prior;
    }
    if (values.size() > max) {
      values.clear();
    }
    return value;
  }
}

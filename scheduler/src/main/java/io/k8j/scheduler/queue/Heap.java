package io.k8j.scheduler.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A binary heap with an index by key, so that an element can be found, updated or removed in O(log
 * n), as upstream's {@code heap.Heap}. Not thread-safe: the queue's lock guards it.
 */
final class Heap<T> {
  private final List<T> items = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final Function<T, String> key;
  private final Comparator<T> order;

  Heap(Function<T, String> key, Comparator<T> order) {
    this.key = key;
    this.order = order;
  }

  int size() {
    return items.size();
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  boolean contains(String k) {
    return index.containsKey(k);
  }

  T get(String k) {
    Integer i = index.get(k);
    return i == null ? null : items.get(i);
  }

  /** Adds the item, or replaces the one with the same key and restores the order. */
  void addOrUpdate(T item) {
    String k = key.apply(item);
    Integer i = index.get(k);
    if (i != null) {
      items.set(i, item);
      fix(i);
      return;
    }
    items.add(item);
    index.put(k, items.size() - 1);
    up(items.size() - 1);
  }

  T peek() {
    return items.isEmpty() ? null : items.get(0);
  }

  T pop() {
    if (items.isEmpty()) {
      return null;
    }
    return removeAt(0);
  }

  T remove(String k) {
    Integer i = index.get(k);
    return i == null ? null : removeAt(i);
  }

  List<T> list() {
    return new ArrayList<>(items);
  }

  private T removeAt(int i) {
    T out = items.get(i);
    int last = items.size() - 1;
    if (i != last) {
      swap(i, last);
    }
    items.remove(last);
    index.remove(key.apply(out));
    if (i < items.size()) {
      fix(i);
    }
    return out;
  }

  private void fix(int i) {
    if (!down(i)) {
      up(i);
    }
  }

  private void up(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (order.compare(items.get(i), items.get(parent)) >= 0) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private boolean down(int i0) {
    int i = i0;
    int n = items.size();
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        break;
      }
      int j = l;
      int r = l + 1;
      if (r < n && order.compare(items.get(r), items.get(l)) < 0) {
        j = r;
      }
      if (order.compare(items.get(j), items.get(i)) >= 0) {
        break;
      }
      swap(i, j);
      i = j;
    }
    return i > i0;
  }

  private void swap(int a, int b) {
    T x = items.get(a);
    T y = items.get(b);
    items.set(a, y);
    items.set(b, x);
    index.put(key.apply(y), a);
    index.put(key.apply(x), b);
  }
}

package io.k8j.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A store that passes every call to another; decorators (a key prefix, encryption of values) extend
 * it and override only what they change.
 */
public abstract class ForwardingStore implements Store {
  protected final Store delegate;

  protected ForwardingStore(Store delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * A watch of the delegate whose events reach {@code listener} with each key-value (and previous
   * one) passed through {@code map}; {@code map} is given null where an event has none.
   */
  protected final Watch mappedWatch(
      KeyRange range, Revision startRevision, WatchListener listener, UnaryOperator<KeyValue> map) {
    return delegate.watch(
        range,
        startRevision,
        new WatchListener() {
          @Override
          public void onEvents(List<WatchEvent> events) {
            List<WatchEvent> mapped = new ArrayList<>(events.size());
            for (WatchEvent e : events) {
              mapped.add(new WatchEvent(e.type(), map.apply(e.kv()), map.apply(e.prevKv())));
            }
            listener.onEvents(mapped);
          }

          @Override
          public void onError(StoreException error) {
            listener.onError(error);
          }
        });
  }

  @Override
  public Revision currentRevision() {
    return delegate.currentRevision();
  }

  @Override
  public RangeResult range(RangeRequest request) {
    return delegate.range(request);
  }

  @Override
  public WriteResult create(String key, byte[] value, LeaseId lease) {
    return delegate.create(key, value, lease);
  }

  @Override
  public WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    return delegate.update(key, value, expectedModRevision, lease);
  }

  @Override
  public WriteResult delete(String key, Revision expectedModRevision) {
    return delegate.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(KeyRange range, Revision startRevision, WatchListener listener) {
    return delegate.watch(range, startRevision, listener);
  }

  @Override
  public void compact(Revision revision) {
    delegate.compact(revision);
  }

  @Override
  public Revision compactRevision() {
    return delegate.compactRevision();
  }

  @Override
  public LeaseId grantLease(Duration ttl) {
    return delegate.grantLease(ttl);
  }

  @Override
  public void keepAlive(LeaseId lease) {
    delegate.keepAlive(lease);
  }

  @Override
  public void revokeLease(LeaseId lease) {
    delegate.revokeLease(lease);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

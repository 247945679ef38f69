package io.k8j.store.etcd;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.WriteResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.function.BooleanSupplier;

/**
 * A writer that creates and updates keys of its own, each value unique, and retries every write
 * that failed without an answer until it knows the outcome: a conditional write is safe to repeat,
 * and when a repeat fails because an earlier attempt did succeed, the key holds this writer's value
 * and that is the acknowledgement. Every acknowledged write goes to {@code acknowledged}.
 */
final class AcknowledgingWriter implements Runnable {
  private static final int KEYS = 20;

  private final Store store;
  private final String prefix;
  private final Queue<KeyValue> acknowledged;
  private final BooleanSupplier stop;
  private final List<KeyValue> mine = new ArrayList<>();
  private int retries;

  AcknowledgingWriter(
      Store store, String prefix, Queue<KeyValue> acknowledged, BooleanSupplier stop) {
    this.store = store;
    this.prefix = prefix;
    this.acknowledged = acknowledged;
    this.stop = stop;
  }

  /** How many writes failed without an answer and were sent again. */
  int retries() {
    return retries;
  }

  @Override
  public void run() {
    for (int n = 0; !stop.getAsBoolean(); n++) {
      byte[] value = (prefix + "#" + n).getBytes(StandardCharsets.UTF_8);
      KeyValue written;
      if (mine.size() < KEYS) {
        written = untilAcknowledged(() -> store.create(prefix + mine.size(), value, LeaseId.NONE));
        mine.add(written);
      } else {
        int slot = n % KEYS;
        KeyValue current = mine.get(slot);
        written =
            untilAcknowledged(
                () -> store.update(current.key(), value, current.modRevision(), LeaseId.NONE));
        mine.set(slot, written);
      }
      if (!Arrays.equals(written.value(), value)) {
        throw new AssertionError("lost write " + new String(value) + ": the key is " + written);
      }
      acknowledged.add(written);
    }
  }

  private KeyValue untilAcknowledged(WriteCall call) {
    boolean repeated = false;
    while (true) {
      try {
        WriteResult r = call.write();
        if (r.succeeded() || (repeated && r.kv() != null)) {
          // a repeat that failed shows what the earlier attempt left; the caller checks the value
          return r.kv();
        }
        throw new AssertionError("a write of a key only this writer writes failed: " + r);
      } catch (StoreException e) {
        retries++;
        repeated = true;
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private interface WriteCall {
    WriteResult write();
  }
}

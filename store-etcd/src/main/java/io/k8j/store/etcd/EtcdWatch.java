package io.k8j.store.etcd;

import io.etcd.jetcd.Watch.Listener;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.k8j.store.CompactedException;
import io.k8j.store.KeyRange;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store watch over a chain of etcd watches. The chain's position is the first revision not yet
 * queued for the listener; whenever an etcd watch ends for any reason but compaction (lost
 * connection, killed member, no leader), the next one starts at that position, so the listener sees
 * no gap and no duplicate. jetcd's own resume is not used: it resumes from the revision of the
 * watch's creation when no event has arrived yet, which skips history.
 *
 * <p>jetcd calls back while holding a lock shared by all its watches, so this class never calls
 * into jetcd while holding its own lock.
 */
final class EtcdWatch implements Watch {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final io.etcd.jetcd.Watch client;
  private final KeyRange range;
  private final WatchDelivery delivery;
  private final ScheduledExecutorService scheduler;
  private final Consumer<EtcdWatch> onEnd;

  /** {@link #retire} whichever etcd watch runs. */
  private static final int ANY = -1;

  private final Object lock = new Object();
  private long nextRevision;
  private int generation;
  private Watcher current;
  private boolean resuming;
  private boolean ended;
  private Duration backoff = FIRST_BACKOFF;

  EtcdWatch(
      io.etcd.jetcd.Watch client,
      KeyRange range,
      Revision start,
      WatchListener listener,
      ScheduledExecutorService scheduler,
      Consumer<EtcdWatch> onEnd) {
    this.client = client;
    this.range = range;
    this.nextRevision = start.value();
    this.scheduler = scheduler;
    this.onEnd = onEnd;
    this.delivery = new WatchDelivery("etcd-watch " + range.start(), listener);
  }

  /** Starts the first etcd watch. */
  void start() {
    subscribe();
  }

  /** Stops delivery at once; the listener hears nothing more. */
  @Override
  public void close() {
    if (retire(ANY, true)) {
      delivery.stop();
    }
  }

  /** Ends the watch with {@code error}, delivered after the events already queued. */
  void end(StoreException error) {
    end(ANY, error);
  }

  private void end(int attempt, StoreException error) {
    if (retire(attempt, true)) {
      delivery.end(error);
    }
  }

  private void subscribe() {
    int attempt;
    WatchOption.Builder option =
        WatchOption.builder().withPrevKV(true).withRequireLeader(true).withCreateNotify(true);
    synchronized (lock) {
      if (ended) {
        return;
      }
      attempt = ++generation;
      option.withRevision(nextRevision);
    }
    if (!range.isSingleKey()) {
      option.withRange(EtcdCodec.key(range.end()));
    }
    Watcher watcher;
    try {
      watcher = client.watch(EtcdCodec.key(range.start()), option.build(), new Attempt(attempt));
    } catch (RuntimeException e) {
      end(attempt, new StoreException("cannot watch " + describe() + " in etcd", e));
      return;
    }
    boolean stale;
    synchronized (lock) {
      stale = ended || attempt != generation;
      if (!stale) {
        current = watcher;
      }
    }
    if (stale) {
      watcher.close();
    }
  }

  /**
   * Detaches the running etcd watch, so that nothing it says counts any more, and closes it.
   *
   * @param attempt the etcd watch to retire, or {@link #ANY} for whichever runs
   * @param forGood whether the store watch ends too
   * @return false if that etcd watch was already retired or the store watch had ended
   */
  private boolean retire(int attempt, boolean forGood) {
    Watcher old;
    synchronized (lock) {
      if (ended || (attempt != ANY && attempt != generation)) {
        return false;
      }
      ended = forGood;
      generation++;
      old = current;
      current = null;
    }
    if (old != null) {
      old.close();
    }
    if (forGood) {
      onEnd.accept(this);
    }
    return true;
  }

  /** Replaces a failed etcd watch with a new one from the first revision not yet queued. */
  private void resumeLater(int attempt, String reason) {
    if (!retire(attempt, false)) {
      return;
    }
    Duration wait;
    long from;
    synchronized (lock) {
      wait = backoff;
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
      resuming = true;
      from = nextRevision;
    }
    LOG.info("watch on {} lost ({}); resuming at revision {}", describe(), reason, from);
    scheduler.schedule(this::subscribe, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String describe() {
    return range.isSingleKey() ? range.start() : "[" + range.start() + ", " + range.end() + ")";
  }

  /** The listener of one etcd watch of the chain; ignored once a newer one has started. */
  private final class Attempt implements Listener {
    private final int attempt;

    Attempt(int attempt) {
      this.attempt = attempt;
    }

    private boolean isCurrent() {
      return !ended && attempt == generation;
    }

    @Override
    public void onNext(WatchResponse response) {
      synchronized (lock) {
        if (!isCurrent()) {
          return;
        }
        if (response.isCreatedNotify()) {
          backoff = FIRST_BACKOFF;
          if (resuming) {
            resuming = false;
            LOG.info("watch on {} resumed at revision {}", describe(), nextRevision);
          }
          return;
        }
        List<WatchEvent> events = new ArrayList<>();
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
          WatchEvent event = EtcdCodec.event(e);
          if (event != null && event.revision().value() >= nextRevision) {
            events.add(event);
          }
        }
        if (events.isEmpty()) {
          return;
        }
        if (delivery.offer(events)) {
          nextRevision = events.getLast().revision().value() + 1;
          return;
        }
      }
      LOG.warn("watch on {} ended: its listener is too slow", describe());
      end(new StoreException("watch on " + describe() + " ended: its listener is too slow"));
    }

    @Override
    public void onError(Throwable error) {
      EtcdException e = EtcdExceptionFactory.toEtcdException(error);
      long from;
      synchronized (lock) {
        if (!isCurrent()) {
          return;
        }
        from = nextRevision;
      }
      if (e instanceof io.etcd.jetcd.common.exception.CompactedException compacted) {
        LOG.info("watch on {} ended: revision {} is compacted", describe(), from);
        end(
            attempt,
            new CompactedException(
                Revision.of(from), Revision.of(compacted.getCompactedRevision())));
        return;
      }
      resumeLater(attempt, e.getMessage());
    }

    @Override
    public void onCompleted() {
      synchronized (lock) {
        if (!isCurrent()) {
          return;
        }
      }
      resumeLater(attempt, "the stream ended");
    }
  }
}

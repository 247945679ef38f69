package io.k8j.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.RangeRequest;
import io.k8j.store.RecordingListener;
import io.k8j.store.Revision;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.testing.etcd.EtcdCluster;
import io.k8j.testing.etcd.EtcdMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the etcd leader (SIGKILL) while writers write and watchers watch, then checks that nothing
 * acknowledged was lost and that every watcher saw the store's history exactly: no gap, no
 * duplicate. One watcher talks to all members and fails over; the other talks only to the member
 * that gets killed, so it must resume from where it was once that member is back.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdLeaderLossIT {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaderLossIT.class);
  private static final String PREFIX = "/registry/leaderloss/";
  private static final int WRITERS = 4;
  private static final int WRITES_PER_PHASE = 300;
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void acknowledgedWritesSurviveAndWatchesResumeWithoutGapOrDuplicate() throws Exception {
    try (EtcdCluster etcd =
            EtcdCluster.builder()
                .members(3)
                .heartbeatInterval(Duration.ofMillis(50))
                .electionTimeout(Duration.ofMillis(500))
                .start();
        EtcdStore store = EtcdStore.connect(EtcdStoreConfig.of(etcd.clientEndpoints()))) {
      EtcdMember leader = etcd.awaitLeader(Duration.ofSeconds(10));
      try (EtcdStore onLeaderOnly =
          EtcdStore.connect(EtcdStoreConfig.of(List.of(leader.clientEndpoint())))) {
        Revision start = store.currentRevision().next();
        RecordingListener failingOver = new RecordingListener();
        RecordingListener resuming = new RecordingListener();
        List<Watch> watches = new ArrayList<>();
        watches.add(store.watch(KeyRange.prefix(PREFIX), start, failingOver));
        watches.add(onLeaderOnly.watch(KeyRange.prefix(PREFIX), start, resuming));

        Queue<KeyValue> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<AcknowledgingWriter> writers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          AcknowledgingWriter writer =
              new AcknowledgingWriter(store, PREFIX + "w" + w + "/k", acknowledged, stop::get);
          writers.add(writer);
          running.add(pool.submit(writer));
        }
        try {
          awaitAcknowledged(acknowledged, WRITES_PER_PHASE);
          LOG.info("killing the leader {} after {} writes", leader, acknowledged.size());
          leader.kill();
          EtcdMember next = etcd.awaitLeader(Duration.ofSeconds(30));
          LOG.info("new leader {}", next);
          awaitAcknowledged(acknowledged, acknowledged.size() + WRITES_PER_PHASE);
          leader.start();
          etcd.awaitHealthy(Duration.ofSeconds(30));
          awaitAcknowledged(acknowledged, acknowledged.size() + WRITES_PER_PHASE);
        } finally {
          stop.set(true);
          for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
          }
          pool.shutdownNow();
        }
        int retries = writers.stream().mapToInt(AcknowledgingWriter::retries).sum();
        LOG.info("{} writes acknowledged, {} sent again", acknowledged.size(), retries);

        Revision last = store.currentRevision();
        Map<Revision, KeyValue> byRevision = new TreeMap<>();
        acknowledged.forEach(kv -> byRevision.put(kv.modRevision(), kv));
        assertThat(byRevision)
            .as("one acknowledged write per revision")
            .hasSize(acknowledged.size());
        assertThat(byRevision.keySet())
            .as("the writers are the cluster's only writers: every revision is one of theirs")
            .containsExactlyElementsOf(revisions(start, last));

        for (KeyValue kv : acknowledged) {
          List<KeyValue> read =
              store
                  .range(RangeRequest.of(KeyRange.key(kv.key())).atRevision(kv.modRevision()))
                  .kvs();
          assertThat(read).as("acknowledged %s", kv).containsExactly(kv);
        }

        RecordingListener replay = new RecordingListener();
        watches.add(store.watch(KeyRange.prefix(PREFIX), start, replay));
        List<WatchEvent> history = awaitRevision(replay, last);
        assertThat(history)
            .extracting(WatchEvent::kv)
            .containsExactlyElementsOf(byRevision.values());

        for (RecordingListener watcher : List.of(failingOver, resuming)) {
          assertThat(awaitRevision(watcher, last)).containsExactlyElementsOf(history);
          assertThat(watcher.violations()).isEmpty();
          assertThat(watcher.error()).isNull();
        }
        watches.forEach(Watch::close);
      }
    }
  }

  private static List<Revision> revisions(Revision first, Revision last) {
    List<Revision> all = new ArrayList<>();
    for (long r = first.value(); r <= last.value(); r++) {
      all.add(Revision.of(r));
    }
    return all;
  }

  private static void awaitAcknowledged(Queue<KeyValue> acknowledged, int count) {
    await().atMost(PHASE_TIMEOUT).until(() -> acknowledged.size() >= count);
  }

  private static List<WatchEvent> awaitRevision(RecordingListener watcher, Revision last) {
    await()
        .atMost(PHASE_TIMEOUT)
        .until(
            () -> {
              List<WatchEvent> events = watcher.events();
              return !events.isEmpty() && !events.getLast().revision().isBefore(last);
            });
    return watcher.events();
  }
}

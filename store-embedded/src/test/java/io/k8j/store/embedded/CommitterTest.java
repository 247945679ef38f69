package io.k8j.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.store.LeaseId;
import io.k8j.store.WriteResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writers share syncs, and still each get their own consecutive revision. */
class CommitterTest {
  @TempDir Path dir;

  @Test
  void concurrentWritersShareSyncs() throws Exception {
    int threads = 16;
    int perThread = 50;
    List<WriteResult> results = new ArrayList<>();
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      long syncsBefore = store.syncs();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<WriteResult>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  List<WriteResult> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(store.create("/c/" + thread + "/" + i, new byte[10], LeaseId.NONE));
                  }
                  return mine;
                }));
      }
      go.countDown();
      for (Future<List<WriteResult>> f : futures) {
        results.addAll(f.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      long syncs = store.syncs() - syncsBefore;

      int writes = threads * perThread;
      assertThat(results).allSatisfy(r -> assertThat(r.succeeded()).isTrue());
      assertThat(results)
          .extracting(r -> r.revision().value())
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, writes).boxed().toList());
      assertThat(syncs).isLessThan(writes);
      System.out.printf("%d writes from %d threads in %d syncs%n", writes, threads, syncs);
    }
  }
}

package io.k8j.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL at a random moment and checks that every acknowledged write
 * is there, at its revision, after reopening the store; and that revisions carry on from there.
 */
class EmbeddedStoreCrashIT {
  private static final int ROUNDS = 4;
  private static final int THREADS = 16;

  @TempDir Path dir;

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println(
        "EmbeddedStoreCrashIT seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    long totalAcked = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int killAfter = 50 + random.nextInt(3000);
      Map<String, Long> acked = runAndKill(data, "/crash/" + round + "/", killAfter, round);
      assertThat(acked.size()).isGreaterThanOrEqualTo(killAfter);
      totalAcked += acked.size();

      try (EmbeddedStore store = EmbeddedStore.open(data)) {
        acked.forEach(
            (key, revision) -> {
              KeyValue kv = store.get(key);
              assertThat(kv).as("acknowledged write of %s", key).isNotNull();
              assertThat(kv.modRevision()).isEqualTo(Revision.of(revision));
            });
        RangeResult all = store.range(RangeRequest.prefix("/"));
        Revision current = store.currentRevision();
        assertThat(all.kvs())
            .extracting(kv -> kv.modRevision().value())
            .as("every revision up to the current one holds one create")
            .containsExactlyInAnyOrderElementsOf(
                LongStream.rangeClosed(1, current.value()).boxed().toList());
        assertThat(all.count()).isGreaterThanOrEqualTo(totalAcked + round);
        assertThat(store.create("/after/" + round, new byte[0], LeaseId.NONE).revision())
            .isEqualTo(current.next());
      }
    }
  }

  private Map<String, Long> runAndKill(Path data, String prefix, int killAfter, int round)
      throws Exception {
    Path stderr = dir.resolve("child-" + round + ".err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                data.toString(),
                prefix,
                Integer.toString(THREADS))
            .redirectError(stderr.toFile())
            .start();
    Map<String, Long> acked = new ConcurrentHashMap<>();
    AtomicBoolean ended = new AtomicBoolean();
    Thread reader = Thread.ofPlatform().start(() -> readAcks(child, acked, ended));
    long started = 0;
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> !acked.isEmpty() || ended.get());
      started = System.nanoTime();
      await("child " + round + " acknowledging " + killAfter + " writes")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .failFast("the child exited", () -> ended.get() && !child.isAlive())
          .until(() -> acked.size() >= killAfter);
    } catch (Throwable t) {
      throw new AssertionError("child " + round + " failed; its stderr:\n" + stderrOf(stderr), t);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(Duration.ofSeconds(30));
    }
    long millis = Math.max(1, Duration.ofNanos(System.nanoTime() - started).toMillis());
    System.out.printf(
        "round %d: killed after %d acknowledged writes (%d writes/s from %d threads)%n",
        round, acked.size(), acked.size() * 1000L / millis, THREADS);
    return acked;
  }

  private static void readAcks(Process child, Map<String, Long> acked, AtomicBoolean ended) {
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && parts[0].equals("ack")) {
          acked.put(parts[1], Long.parseLong(parts[2]));
        }
      }
    } catch (IOException e) {
      // the child was killed mid-line; what was read is what was acknowledged
    } finally {
      ended.set(true);
    }
  }

  private static String stderrOf(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }
}

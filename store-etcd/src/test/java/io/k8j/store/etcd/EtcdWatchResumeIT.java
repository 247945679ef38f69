package io.k8j.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.store.CompactedException;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.RecordingListener;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.testing.etcd.EtcdCluster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A watch whose connection to etcd is cut while etcd runs on: it resumes where it was, or, if the
 * history it missed was compacted meanwhile, ends with {@link CompactedException}.
 */
class EtcdWatchResumeIT {
  private static final String PREFIX = "/registry/resume/";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EtcdCluster etcd;
  private LoopbackProxy proxy;
  private EtcdStore direct;
  private EtcdStore proxied;

  @BeforeEach
  void start() {
    etcd = EtcdCluster.start(1);
    proxy = new LoopbackProxy(URI.create(etcd.member(0).clientEndpoint()).getPort());
    direct = EtcdStore.connect(EtcdStoreConfig.of(etcd.clientEndpoints()));
    proxied = EtcdStore.connect(EtcdStoreConfig.of(List.of(proxy.endpoint())));
  }

  @AfterEach
  void stop() {
    proxied.close();
    direct.close();
    proxy.close();
    etcd.close();
  }

  @Test
  void aCutWatchResumesWithNoGapAndNoDuplicate() {
    Revision start = direct.currentRevision().next();
    RecordingListener listener = new RecordingListener();
    try (Watch ignored = proxied.watch(KeyRange.prefix(PREFIX), start, listener)) {
      List<KeyValue> written = new ArrayList<>(write(0, 50));
      awaitEvents(listener, 50);

      proxy.cut();
      written.addAll(write(50, 100));
      proxy.restore();
      written.addAll(write(100, 150));

      awaitEvents(listener, 150);
      assertThat(listener.events()).extracting(WatchEvent::kv).containsExactlyElementsOf(written);
      assertThat(listener.violations()).isEmpty();
      assertThat(listener.error()).isNull();
    }
  }

  @Test
  void aCutWatchWhoseMissedHistoryWasCompactedEndsWithCompacted() {
    Revision start = direct.currentRevision().next();
    RecordingListener listener = new RecordingListener();
    try (Watch ignored = proxied.watch(KeyRange.prefix(PREFIX), start, listener)) {
      List<KeyValue> seen = write(0, 10);
      awaitEvents(listener, 10);

      proxy.cut();
      List<KeyValue> missed = write(10, 20);
      Revision compactAt = direct.currentRevision();
      direct.compact(compactAt);
      proxy.restore();

      await().atMost(WAIT).until(() -> listener.error() != null);
      StoreException error = listener.error();
      assertThat(error).isInstanceOf(CompactedException.class);
      assertThat(((CompactedException) error).compactRevision()).isEqualTo(compactAt);
      assertThat(error.getMessage())
          .contains("required revision " + missed.getFirst().modRevision());
      assertThat(listener.events()).extracting(WatchEvent::kv).containsExactlyElementsOf(seen);
      assertThat(listener.violations()).isEmpty();
    }
  }

  private List<KeyValue> write(int from, int to) {
    List<KeyValue> written = new ArrayList<>();
    for (int i = from; i < to; i++) {
      byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
      written.add(direct.create(PREFIX + "k" + i, value, LeaseId.NONE).kv());
    }
    return written;
  }

  private static void awaitEvents(RecordingListener listener, int n) {
    await().atMost(WAIT).until(() -> listener.events().size() >= n);
  }
}

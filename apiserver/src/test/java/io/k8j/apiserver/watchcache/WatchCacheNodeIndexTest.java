package io.k8j.apiserver.watchcache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import io.k8j.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Watchers of one node's pods see exactly what their selector alone would let through. */
class WatchCacheNodeIndexTest {
  private static final String PREFIX = "/registry/pods/";

  private static byte[] pod(String name, String node) {
    String spec = node == null ? "{}" : "{\"nodeName\":\"" + node + "\"}";
    return ("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":" + spec + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static KeyValue kv(String name, byte[] value, long created, long rev) {
    return new KeyValue(
        PREFIX + "ns/" + name,
        value,
        Revision.of(created),
        Revision.of(rev),
        rev - created + 1,
        LeaseId.NONE);
  }

  private static Predicate<ObjectNode> onNode(String node) {
    return o -> node.equals(o.path("spec").path("nodeName").asText(""));
  }

  private static List<String> drain(CacheWatcher w) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (CacheWatcher.Item i = w.next(10, TimeUnit.MILLISECONDS);
        i != null;
        i = w.next(10, TimeUnit.MILLISECONDS)) {
      out.add(i.type() + " " + i.object().path("metadata").path("name").asText());
    }
    return out;
  }

  @Test
  void indexedWatchersSeeTheirNodesPodsArriveChangeLeaveAndGo() throws Exception {
    WatchCache cache = new WatchCache(PREFIX, 100);
    cache.reset(List.of(), 1);
    CacheWatcher a = cache.watch(new WatchFilter(PREFIX, onNode("a"), "a"), 1, false, 100);
    CacheWatcher b = cache.watch(new WatchFilter(PREFIX, onNode("b"), "b"), 1, false, 100);
    CacheWatcher all = cache.watch(new WatchFilter(PREFIX, o -> true), 1, false, 100);
    byte[] p1 = pod("p1", null);
    byte[] p1a = pod("p1", "a");
    byte[] p1b = pod("p1", "b");
    byte[] p2a = pod("p2", "a");
    cache.apply(
        List.of(
            new WatchEvent(WatchEvent.Type.PUT, kv("p1", p1, 2, 2), null),
            new WatchEvent(WatchEvent.Type.PUT, kv("p2", p2a, 3, 3), null),
            new WatchEvent(WatchEvent.Type.PUT, kv("p1", p1a, 2, 4), kv("p1", p1, 2, 2)),
            new WatchEvent(WatchEvent.Type.PUT, kv("p1", p1b, 2, 5), kv("p1", p1a, 2, 4)),
            new WatchEvent(
                WatchEvent.Type.DELETE,
                new KeyValue(
                    PREFIX + "ns/p2", new byte[0], Revision.of(3), Revision.of(6), 0, LeaseId.NONE),
                kv("p2", p2a, 3, 3))));
    assertThat(drain(a)).containsExactly("ADDED p2", "ADDED p1", "DELETED p1", "DELETED p2");
    assertThat(drain(b)).containsExactly("ADDED p1");
    assertThat(drain(all))
        .containsExactly("ADDED p1", "ADDED p2", "MODIFIED p1", "MODIFIED p1", "DELETED p2");
    a.close();
    b.close();
    all.close();
    assertThat(cache.watcherCount()).isZero();
  }
}

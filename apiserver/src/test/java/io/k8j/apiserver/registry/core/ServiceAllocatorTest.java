package io.k8j.apiserver.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two API servers on one store: their allocators never hand out the same address or port. */
class ServiceAllocatorTest {
  @TempDir Path dir;

  @Test
  void twoServersOnOneStoreNeverShareAnAddressOrAPort() {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      ServiceAllocator a = new ServiceAllocator("10.43.0.0/28", ServiceAllocator.inStore(store));
      ServiceAllocator b = new ServiceAllocator("10.43.0.0/28", ServiceAllocator.inStore(store));
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 7; i++) {
        assertThat(seen.add(a.allocateIp())).isTrue();
        assertThat(seen.add(b.allocateIp())).isTrue();
      }
      assertThat(seen).hasSize(14);

      String taken = seen.iterator().next();
      assertThat(b.allocateIp(taken)).isNotNull();
      assertThat(b.allocateIp(taken).detail()).contains("provided IP is already allocated");

      int port = a.allocatePort();
      assertThat(b.allocatePort(port)).isEqualTo("provided port is already allocated");
      assertThat(b.allocatePort()).isNotEqualTo(port);
    }
  }

  @Test
  void anAddressReleasedByOneServerCanBeTakenByTheOther() {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      ServiceAllocator a = new ServiceAllocator("10.43.0.0/29", ServiceAllocator.inStore(store));
      ServiceAllocator b = new ServiceAllocator("10.43.0.0/29", ServiceAllocator.inStore(store));
      List<String> all = List.of(a.allocateIp(), a.allocateIp(), a.allocateIp());
      List<String> rest = List.of(b.allocateIp(), b.allocateIp(), b.allocateIp());
      assertThat(all).doesNotContainAnyElementsOf(rest);

      a.releaseIp(all.getFirst());
      // b has seen the whole range taken; it looks again in the store rather than failing
      assertThat(b.allocateIp()).isEqualTo(all.getFirst());
    }
  }

  @Test
  void restartingKeepsWhatTheStoreHolds() {
    String ip;
    int port;
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      ServiceAllocator a = new ServiceAllocator("10.43.0.0/16", ServiceAllocator.inStore(store));
      ip = a.allocateIp();
      port = a.allocatePort();
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      ServiceAllocator again =
          new ServiceAllocator("10.43.0.0/16", ServiceAllocator.inStore(store));
      again.restore(List.of(), List.of());
      assertThat(again.allocateIp(ip)).isNotNull();
      assertThat(again.allocatePort(port)).isEqualTo("provided port is already allocated");
    }
  }
}

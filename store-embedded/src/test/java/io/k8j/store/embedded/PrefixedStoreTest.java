package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.PrefixedStore;
import io.k8j.store.RangeRequest;
import io.k8j.store.Store;
import io.k8j.store.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract through a prefixed view (what {@code --etcd-prefix} puts between the API
 * server and the store), and the layout of its keys in the underlying store.
 */
class PrefixedStoreTest extends StoreContract {
  @TempDir Path dir;

  private Store raw;

  @Override
  protected Store newStore() {
    raw = EmbeddedStore.open(dir);
    return PrefixedStore.rewriting(raw, "", "/tenant-a");
  }

  @Test
  void keysLandUnderThePrefixAndOtherPrefixesStayApart() {
    Store registry = PrefixedStore.rewriting(raw, "/registry", "/cluster-b");
    registry.create("/registry/pods/default/web", "b".getBytes(UTF_8), LeaseId.NONE);
    store.create("/registry/pods/default/web", "a".getBytes(UTF_8), LeaseId.NONE);

    assertThat(raw.get("/cluster-b/pods/default/web").valueAsString()).isEqualTo("b");
    assertThat(raw.get("/tenant-a/registry/pods/default/web").valueAsString()).isEqualTo("a");
    assertThat(raw.get("/registry/pods/default/web")).isNull();

    KeyValue seen = registry.range(RangeRequest.prefix("/registry/")).kvs().getFirst();
    assertThat(seen.key()).isEqualTo("/registry/pods/default/web");
    assertThat(seen.valueAsString()).isEqualTo("b");
    assertThat(registry.range(RangeRequest.prefix("/registry/")).count()).isEqualTo(1);
  }

  @Test
  void aKeyOutsideTheRewrittenPrefixIsRefused() {
    Store registry = PrefixedStore.rewriting(raw, "/registry", "/cluster-b");
    assertThatThrownBy(() -> registry.get("/other/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/other/x");
  }

  @Test
  void theSamePrefixIsTheStoreItself() {
    assertThat(PrefixedStore.rewriting(raw, "/registry", "/registry")).isSameAs(raw);
  }
}

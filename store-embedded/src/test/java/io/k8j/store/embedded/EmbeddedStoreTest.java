package io.k8j.store.embedded;

import io.k8j.store.Store;
import io.k8j.store.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  protected Store newStore() {
    return EmbeddedStore.open(dir);
  }
}

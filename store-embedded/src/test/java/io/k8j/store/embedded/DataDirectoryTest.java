package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.store.LeaseId;
import io.k8j.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Start-up refuses anything that is not an embedded store, naming the path, and changes nothing.
 */
class DataDirectoryTest {
  @TempDir Path dir;

  @Test
  void aDirectoryOfJunkFilesIsRefusedAndLeftAlone() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 5; i++) {
      byte[] junk = new byte[1000];
      random.nextBytes(junk);
      Files.write(dir.resolve("junk-" + i), junk);
    }
    List<Path> before = list(dir);

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.toString());
    assertThat(list(dir)).isEqualTo(before);
  }

  @Test
  void aForeignRocksDbIsRefused() throws Exception {
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(options, dir.toString())) {
      db.put("someone".getBytes(UTF_8), "else".getBytes(UTF_8));
    }

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("not an embedded k8j store");
  }

  @Test
  void aRocksDbWithOurColumnFamiliesButNoFormatMarkerIsRefused() throws Exception {
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    for (String name : List.of("default", "revisions", "leases")) {
      families.add(new ColumnFamilyDescriptor(name.getBytes(UTF_8)));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options =
            new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        RocksDB db = RocksDB.open(options, dir.toString(), families, handles)) {
      db.put(handles.get(1), new byte[8], "not a record".getBytes(UTF_8));
      handles.forEach(ColumnFamilyHandle::close);
    }

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("format marker");
  }

  @Test
  void aDamagedDatabaseIsRefused() throws Exception {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.create("/a", "1".getBytes(UTF_8), LeaseId.NONE);
    }
    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-999999\n");

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.toString());
  }

  @Test
  void aFileIsNotADataDirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> EmbeddedStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void aStoreCannotBeOpenedTwice() {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThatThrownBy(() -> EmbeddedStore.open(dir))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(dir.toString());
      assertThat(store.create("/a", new byte[0], LeaseId.NONE).succeeded()).isTrue();
    }
  }

  @Test
  void aMissingDirectoryIsCreated() {
    Path nested = dir.resolve("a/b/store");
    try (EmbeddedStore store = EmbeddedStore.open(nested)) {
      assertThat(store.currentRevision().value()).isZero();
    }
    assertThat(nested.resolve("CURRENT")).isRegularFile();
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}

package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.k8j.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Opens the database in a data directory: creates it in an empty or missing directory, and refuses
 * anything that is not an embedded store of this format, naming the path. Nothing is ever reset.
 */
final class DataDirectory {
  private static final List<byte[]> COLUMN_FAMILIES =
      List.of(RocksDB.DEFAULT_COLUMN_FAMILY, Database.bytes("revisions"), Database.bytes("leases"));

  private DataDirectory() {}

  static Database open(Path dir) {
    RocksDB.loadLibrary();
    boolean fresh = isEmptyOrMissing(dir);
    if (!fresh) {
      checkLooksLikeOurs(dir);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create the store directory " + dir + ": " + e, e);
    }
    ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
    DBOptions options =
        new DBOptions()
            .setCreateIfMissing(fresh)
            .setCreateMissingColumnFamilies(fresh)
            .setKeepLogFileNum(5);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] name : COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(name, familyOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(options, dir.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      options.close();
      familyOptions.close();
      throw new StoreException(
          "cannot open the embedded store at " + dir + ": " + e.getMessage(), e);
    }
    Database database = new Database(dir, db, handles, List.of(options, familyOptions));
    try {
      checkFormat(dir, db, handles, fresh);
    } catch (RocksDBException e) {
      database.close();
      throw new StoreException(
          "cannot open the embedded store at " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  private static boolean isEmptyOrMissing(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      throw new StoreException("the store path " + dir + " is not a directory");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new StoreException("cannot read the store directory " + dir + ": " + e, e);
    }
  }

  /** A directory with files must hold a RocksDB database with the store's column families. */
  private static void checkLooksLikeOurs(Path dir) {
    if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
      throw new StoreException(
          "the store directory "
              + dir
              + " is not empty and holds no embedded store; refusing to use it");
    }
    List<byte[]> families;
    try (Options options = new Options()) {
      families = RocksDB.listColumnFamilies(options, dir.toString());
    } catch (RocksDBException e) {
      throw new StoreException(
          "the store directory " + dir + " holds a corrupt database: " + e.getMessage(), e);
    }
    for (byte[] wanted : COLUMN_FAMILIES) {
      if (families.stream().noneMatch(f -> Arrays.equals(f, wanted))) {
        throw new StoreException(
            "the store directory "
                + dir
                + " holds a RocksDB database that is not an embedded k8j store");
      }
    }
  }

  private static boolean isEmpty(RocksDB db, List<ColumnFamilyHandle> families) {
    for (ColumnFamilyHandle family : families) {
      try (RocksIterator it = db.newIterator(family)) {
        it.seekToFirst();
        if (it.isValid()) {
          return false;
        }
      }
    }
    return true;
  }

  private static void checkFormat(
      Path dir, RocksDB db, List<ColumnFamilyHandle> families, boolean fresh)
      throws RocksDBException {
    if (fresh) {
      try (WriteOptions sync = new WriteOptions().setSync(true)) {
        db.put(sync, Database.FORMAT_KEY, Database.FORMAT);
      }
      return;
    }
    byte[] format = db.get(Database.FORMAT_KEY);
    if (format == null && isEmpty(db, families)) {
      // created by an open that stopped before it could write the marker
      checkFormat(dir, db, families, true);
      return;
    }
    if (format == null) {
      throw new StoreException(
          "the store directory "
              + dir
              + " holds a RocksDB database without the embedded store's format marker");
    }
    if (!Arrays.equals(format, Database.FORMAT)) {
      throw new StoreException(
          "the store directory "
              + dir
              + " holds format "
              + new String(format, UTF_8)
              + ", this version reads "
              + new String(Database.FORMAT, UTF_8));
    }
  }
}

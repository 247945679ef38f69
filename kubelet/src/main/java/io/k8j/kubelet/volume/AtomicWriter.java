package io.k8j.kubelet.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a volume's files so that readers never see a half-updated set, as upstream's AtomicWriter:
 * the files go into a fresh timestamped directory, the {@code ..data} symlink is swapped to it in
 * one rename, and each top-level name is a symlink through {@code ..data}. Writing the same payload
 * again changes nothing.
 */
public final class AtomicWriter {
  static final String DATA = "..data";
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
  private static final AtomicLong SEQ = new AtomicLong();

  /** One file: its content and mode. */
  public record FileProjection(byte[] data, int mode) {}

  private AtomicWriter() {}

  /** Returns true when the files changed. */
  public static boolean write(Path dir, Map<String, FileProjection> payload) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    if (Files.exists(data) && same(data.toRealPath(), payload)) {
      return false;
    }
    String tsName = ".." + LocalDateTime.now().format(TS) + "." + SEQ.incrementAndGet();
    Path ts = dir.resolve(tsName);
    Files.createDirectories(ts);
    for (var e : payload.entrySet()) {
      Path f = ts.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue().data());
      Files.setPosixFilePermissions(f, perms(e.getValue().mode()));
    }
    Path oldTarget = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path tmpLink = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmpLink);
    Files.createSymbolicLink(tmpLink, Path.of(tsName));
    Files.move(tmpLink, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Set<String> top = new HashSet<>();
    for (String key : payload.keySet()) {
      top.add(key.contains("/") ? key.substring(0, key.indexOf('/')) : key);
    }
    for (String name : top) {
      Path link = dir.resolve(name);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createSymbolicLink(link, Path.of(DATA, name));
        } catch (FileAlreadyExistsException ignored) {
          // another writer made it
        }
      }
    }
    try (var entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        String n = p.getFileName().toString();
        if (!n.startsWith("..") && !top.contains(n) && Files.isSymbolicLink(p)) {
          Files.delete(p);
        }
      }
    }
    if (oldTarget != null && !oldTarget.equals(ts)) {
      deleteTree(oldTarget);
    }
    return true;
  }

  private static boolean same(Path current, Map<String, FileProjection> payload)
      throws IOException {
    Set<String> onDisk = new HashSet<>();
    try (var walk = Files.walk(current)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        onDisk.add(current.relativize(p).toString());
      }
    }
    if (!onDisk.equals(payload.keySet())) {
      return false;
    }
    for (var e : payload.entrySet()) {
      Path f = current.resolve(e.getKey());
      if (!Arrays.equals(Files.readAllBytes(f), e.getValue().data())
          || !Files.getPosixFilePermissions(f).equals(perms(e.getValue().mode()))) {
        return false;
      }
    }
    return true;
  }

  static Set<PosixFilePermission> perms(int mode) {
    Set<PosixFilePermission> s = new HashSet<>();
    PosixFilePermission[] all = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(all[i]);
      }
    }
    return s;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

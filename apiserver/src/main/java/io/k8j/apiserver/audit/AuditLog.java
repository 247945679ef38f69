package io.k8j.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The audit log file: one JSON line per event, appended; when the file would pass {@code maxBytes}
 * it is renamed with a timestamp ({@code audit-2026-01-02T03-04-05.678.log}, as upstream's
 * lumberjack names backups) and a new one started; backups past {@code maxBackups} (the oldest
 * first) or older than {@code maxAgeDays} are removed, as upstream's {@code --audit-log-maxbackup}
 * and {@code --audit-log-maxage}. {@code -} writes to standard output.
 */
public final class AuditLog implements AutoCloseable {
  private static final DateTimeFormatter BACKUP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  private final Path path;
  private final long maxBytes;
  private final int maxAgeDays;
  private final int maxBackups;
  private OutputStream out;
  private long size;

  /**
   * @param maxBytes the size past which the file is rotated; 0 never rotates
   */
  public AuditLog(Path path, long maxBytes) {
    this(path, maxBytes, 0, 0);
  }

  /**
   * @param maxBytes the size past which the file is rotated; 0 never rotates
   * @param maxAgeDays backups older than this many days are removed; 0 keeps them
   * @param maxBackups at most this many backups are kept; 0 keeps them all
   */
  public AuditLog(Path path, long maxBytes, int maxAgeDays, int maxBackups) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.maxAgeDays = maxAgeDays;
    this.maxBackups = maxBackups;
  }

  public synchronized void write(String jsonLine) {
    byte[] line = (jsonLine + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      if (path.toString().equals("-")) {
        System.out.write(line);
        System.out.flush();
        return;
      }
      if (out == null) {
        open();
      }
      if (maxBytes > 0 && size > 0 && size + line.length > maxBytes) {
        rotate();
      }
      out.write(line);
      out.flush();
      size += line.length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void open() throws IOException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    out =
        Files.newOutputStream(
            path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = Files.size(path);
  }

  private void rotate() throws IOException {
    out.close();
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    Path backup = path.resolveSibling(base + "-" + BACKUP.format(Instant.now()) + ext);
    for (int i = 1; Files.exists(backup); i++) {
      backup = path.resolveSibling(base + "-" + BACKUP.format(Instant.now()) + "-" + i + ext);
    }
    Files.move(path, backup);
    open();
    removeOldBackups(base, ext);
  }

  private void removeOldBackups(String base, String ext) throws IOException {
    if (maxAgeDays <= 0 && maxBackups <= 0) {
      return;
    }
    List<Path> backups = new ArrayList<>();
    Map<Path, Instant> taken = new HashMap<>();
    Map<Path, Integer> sequence = new HashMap<>();
    try (Stream<Path> files = Files.list(path.toAbsolutePath().getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        int stampLength = "yyyy-MM-ddTHH-mm-ss.SSS".length();
        if (!n.startsWith(base + "-") || !n.endsWith(ext) || f.equals(path.toAbsolutePath())) {
          continue;
        }
        String stamp = n.substring(base.length() + 1, n.length() - ext.length());
        try {
          taken.put(f, Instant.from(BACKUP.parse(stamp.substring(0, stampLength))));
          sequence.put(
              f,
              stamp.length() > stampLength
                  ? Integer.parseInt(stamp.substring(stampLength + 1))
                  : 0);
          backups.add(f);
        } catch (RuntimeException e) {
          // not one of this log's backups
        }
      }
    }
    backups.sort(
        Comparator.comparing((Path f) -> taken.get(f)).thenComparing(sequence::get).reversed());
    Instant oldest = Instant.now().minus(Duration.ofDays(maxAgeDays));
    for (int i = 0; i < backups.size(); i++) {
      Path f = backups.get(i);
      if (maxBackups > 0 && i >= maxBackups || maxAgeDays > 0 && taken.get(f).isBefore(oldest)) {
        Files.deleteIfExists(f);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}

package io.k8j.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The audit log file: one JSON line per event, appended; when the file would pass {@code maxBytes}
 * it is renamed with a timestamp ({@code audit-2026-01-02T03-04-05.678.log}, as upstream's
 * lumberjack names backups) and a new one started. {@code -} writes to standard output.
 */
public final class AuditLog implements AutoCloseable {
  private static final DateTimeFormatter BACKUP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  private final Path path;
  private final long maxBytes;
  private OutputStream out;
  private long size;

  /**
   * @param maxBytes the size past which the file is rotated; 0 never rotates
   */
  public AuditLog(Path path, long maxBytes) {
    this.path = path;
    this.maxBytes = maxBytes;
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
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}

package io.k8j.kubelet.logs;

import io.k8j.common.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Writes a process's output to a log file in the CRI format, one record per line: {@code
 * 2016-10-06T00:17:09.669794202Z stdout F text}. Lines longer than 16 KiB are split into partial
 * ({@code P}) records, as containerd does. Both streams of a container share one writer; {@link
 * #reopen} starts a new file after rotation.
 */
public final class CriLogWriter implements AutoCloseable {
  static final int MAX_LINE = 16 * 1024;

  private final Path path;
  private final Clock clock;
  private OutputStream out;

  public CriLogWriter(Path path, Clock clock) throws IOException {
    this.path = path;
    this.clock = clock;
    Files.createDirectories(path.getParent());
    this.out = open();
  }

  private OutputStream open() throws IOException {
    return Files.newOutputStream(
        path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  public Path path() {
    return path;
  }

  /**
   * Copies {@code in} to the log until it ends; {@code stream} is {@code stdout} or {@code stderr}.
   */
  public void pump(InputStream in, String stream) {
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            record(stream, true, line.toByteArray());
            line.reset();
          } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
              record(stream, false, line.toByteArray());
              line.reset();
            }
          }
        }
      }
      if (line.size() > 0) {
        record(stream, false, line.toByteArray());
      }
    } catch (IOException e) {
      // the process ended or the writer was closed
    }
  }

  synchronized void record(String stream, boolean full, byte[] content) throws IOException {
    Instant t = clock.now();
    String head = t + " " + stream + " " + (full ? "F" : "P") + " ";
    out.write(head.getBytes(StandardCharsets.UTF_8));
    out.write(content);
    out.write('\n');
    out.flush();
  }

  /** Closes the current file and opens the log path again (after the file was rotated away). */
  public synchronized void reopen() throws IOException {
    out.close();
    out = open();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}

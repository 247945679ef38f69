package io.k8j.kubelet.logs;

import io.k8j.common.Clock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Reads a container's CRI log file and writes what {@link LogOptions} ask for (upstream's {@code
 * kuberuntime/logs.ReadLogs}): the content of each record, optionally after its timestamp, from the
 * last {@code tailLines} records and from {@code since}, up to {@code limitBytes}. With {@code
 * follow} it then waits for more, polling the file; when the file is rotated away it finishes the
 * old one and goes on with the new one at the same path, and it ends once the container no longer
 * runs and everything it wrote has been passed on. A reader holds one small buffer.
 */
public final class ContainerLogReader {
  private static final int BUFFER = 8 * 1024;

  private final Clock clock;
  private final Duration pollInterval;

  public ContainerLogReader(Clock clock, Duration pollInterval) {
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /**
   * Writes the log at {@code path} to {@code out}; returns when it is done, and fails with the
   * {@link IOException} of {@code out} when the reader went away.
   *
   * @param running whether to go on following: the container still runs and its reader is still
   *     there (asked only while following, at each poll)
   */
  public void read(Path path, LogOptions opts, BooleanSupplier running, OutputStream out)
      throws IOException, InterruptedException {
    Output sink = new Output(out, opts);
    FileChannel ch = open(path);
    try {
      if (ch == null) {
        if (!opts.follow()) {
          return;
        }
        ch = waitForFile(path, running);
        if (ch == null) {
          return;
        }
      } else if (opts.tailLines() >= 0) {
        ch.position(tailStart(ch, opts.tailLines()));
      }
      Object key = fileKey(path);
      Lines lines = new Lines();
      while (true) {
        lines.drain(ch, sink);
        out.flush();
        if (sink.full() || !opts.follow()) {
          return;
        }
        boolean alive = running.getAsBoolean();
        Object now = fileKey(path);
        if (now != null && !Objects.equals(now, key)) {
          lines.drain(ch, sink);
          ch.close();
          ch = open(path);
          key = now;
          lines = new Lines();
          if (ch == null) {
            return;
          }
          continue;
        }
        if (!alive) {
          lines.drain(ch, sink);
          out.flush();
          return;
        }
        clock.sleep(pollInterval);
      }
    } finally {
      if (ch != null) {
        ch.close();
      }
    }
  }

  private FileChannel waitForFile(Path path, BooleanSupplier running)
      throws IOException, InterruptedException {
    while (running.getAsBoolean()) {
      clock.sleep(pollInterval);
      FileChannel ch = open(path);
      if (ch != null) {
        return ch;
      }
    }
    return open(path);
  }

  private static FileChannel open(Path path) throws IOException {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Where the last {@code n} lines of the file begin: scans backwards from the end, a buffer at a
   * time.
   */
  static long tailStart(FileChannel ch, long n) throws IOException {
    long size = ch.size();
    if (n == 0) {
      return size;
    }
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    long end = size;
    long count = 0;
    boolean last = true;
    while (end > 0) {
      long from = Math.max(0, end - BUFFER);
      buf.clear().limit((int) (end - from));
      ch.read(buf, from);
      for (int i = (int) (end - from) - 1; i >= 0; i--) {
        long at = from + i;
        if (buf.get(i) == '\n') {
          if (last && at == size - 1) {
            last = false;
            continue;
          }
          count++;
          if (count == n) {
            return at + 1;
          }
        }
        last = false;
      }
      end = from;
    }
    return 0;
  }

  /** Splits what the channel holds into lines; a line still being written waits for its end. */
  private static final class Lines {
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private byte[] line = new byte[256];
    private int length;

    /** Passes on every complete line up to the end of the file, or until the sink is full. */
    void drain(FileChannel ch, Output sink) throws IOException {
      while (!sink.full()) {
        buf.clear();
        int n = ch.read(buf);
        if (n <= 0) {
          return;
        }
        for (int i = 0; i < n && !sink.full(); i++) {
          byte b = buf.get(i);
          if (b == '\n') {
            sink.record(CriLogRecord.parse(line, length));
            length = 0;
            if (line.length > 64 * 1024) {
              line = new byte[256];
            }
          } else {
            if (length == line.length) {
              line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = b;
          }
        }
      }
    }
  }

  /** Writes records to the reader, counting bytes against the limit. */
  private static final class Output {
    private final OutputStream out;
    private final LogOptions opts;
    private long remaining;

    Output(OutputStream out, LogOptions opts) {
      this.out = out;
      this.opts = opts;
      this.remaining = opts.limitBytes() < 0 ? Long.MAX_VALUE : opts.limitBytes();
    }

    boolean full() {
      return remaining <= 0;
    }

    void record(CriLogRecord r) throws IOException {
      if (r == null || opts.since() != null && r.time().isBefore(opts.since())) {
        return;
      }
      if (opts.timestamps()) {
        write((r.timestamp() + " ").getBytes(StandardCharsets.US_ASCII));
      }
      write(r.content());
      if (!r.partial()) {
        write(new byte[] {'\n'});
      }
    }

    private void write(byte[] b) throws IOException {
      int n = (int) Math.min(b.length, remaining);
      if (n > 0) {
        out.write(b, 0, n);
        remaining -= n;
      }
    }
  }
}

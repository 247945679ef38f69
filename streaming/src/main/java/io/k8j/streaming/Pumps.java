package io.k8j.streaming;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copying between the two ends of a stream session. */
public final class Pumps {
  private Pumps() {}

  /**
   * Copies until either side ends, flushing each chunk (a session is interactive); a null {@code
   * out} discards. Errors end the copy quietly: one side went away, and the caller closes the
   * other.
   */
  public static void copy(InputStream in, OutputStream out) {
    OutputStream target = out == null ? OutputStream.nullOutputStream() : out;
    byte[] buf = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        target.write(buf, 0, n);
        target.flush();
      }
    } catch (IOException ignored) {
      // either side ended
    }
  }

  /** {@link #copy}, then closes {@code out} (the peer sees the end of its input). */
  public static void copyAndClose(InputStream in, OutputStream out) {
    copy(in, out);
    closeQuietly(out);
  }

  public static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // closed already
    }
  }
}

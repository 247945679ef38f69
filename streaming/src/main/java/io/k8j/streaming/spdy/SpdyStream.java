package io.k8j.streaming.spdy;

import io.k8j.streaming.BlockStreams;
import io.k8j.streaming.ChunkPipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One SPDY stream: what the peer sends arrives on {@link #input()} (end of stream at the peer's
 * FIN, a reset, or the end of the connection); {@link #output()} sends data frames, and closing it
 * sends FIN. Received data is queued up to a bound, beyond which the connection's reader waits:
 * SPDY as kubectl speaks it has no flow control, so this is what keeps a slow reader from costing
 * memory.
 */
public final class SpdyStream {
  private static final byte[] END = new byte[0];
  private static final int MAX_DATA_FRAME = 32 * 1024;

  private final SpdySession session;
  private final int id;
  private final Map<String, List<String>> headers;
  private final ChunkPipe received = new ChunkPipe();
  private final CountDownLatch replied = new CountDownLatch(1);
  private volatile boolean remoteDone;
  private volatile boolean localDone;
  private final Output output = new Output();

  SpdyStream(SpdySession session, int id, Map<String, List<String>> headers) {
    this.session = session;
    this.id = id;
    this.headers = headers;
  }

  public int id() {
    return id;
  }

  /** The first value of header {@code name} (lower case), or null. */
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public InputStream input() {
    return received.input();
  }

  public OutputStream output() {
    return output;
  }

  /** Accepts a stream the peer opened (SYN_REPLY); the peer sends no data before it. */
  public void reply() throws IOException {
    session.framer().synReply(id, 0, Map.of());
  }

  /** Abandons the stream (RST_STREAM CANCEL); both directions end. */
  public void reset() {
    if (!localDone || !remoteDone) {
      localDone = true;
      try {
        session.framer().rstStream(id, SpdyFrame.CANCEL);
      } catch (IOException ignored) {
        // the connection is gone: so is the stream
      }
      remoteFinished();
    }
  }

  boolean awaitReply(long timeoutMillis) throws InterruptedException {
    return replied.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  void onReply() {
    replied.countDown();
  }

  void onData(byte[] data) throws InterruptedException {
    received.write(data);
  }

  void remoteFinished() {
    if (!remoteDone) {
      remoteDone = true;
      replied.countDown();
      received.finish();
    }
  }

  boolean closed() {
    return localDone && remoteDone;
  }

  private final class Output extends BlockStreams.Output {

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (localDone) {
        throw new IOException("SPDY stream " + id + " is closed");
      }
      while (len > 0) {
        int n = Math.min(len, MAX_DATA_FRAME);
        session.framer().data(id, 0, b, off, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void close() throws IOException {
      if (!localDone) {
        localDone = true;
        session.framer().data(id, SpdyFrame.FLAG_FIN, END, 0, 0);
      }
    }
  }
}

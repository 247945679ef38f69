package io.k8j.streaming.upgrade;

import io.k8j.streaming.BlockStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;

/**
 * What a Jetty connection becomes after a 101 answer: a {@link Duplex} of blocking streams over the
 * end point, handed to the protocol on a virtual thread once the switch is done. Bytes the client
 * sent right behind its request are read first.
 */
final class UpgradedConnection extends AbstractConnection implements Connection.UpgradeTo, Duplex {
  /** Upstream's kubelet closes streaming connections idle this long. */
  static final Duration IDLE_TIMEOUT = Duration.ofHours(4);

  private final Consumer<Duplex> protocol;
  private final ByteBuffer buffer = BufferUtil.allocate(16 * 1024);
  private volatile boolean closed;
  private final InputStream input =
      new BlockStreams.Input() {

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return fill(b, off, len);
        }
      };
  private final OutputStream output =
      new BlockStreams.Output() {

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          send(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() {
          UpgradedConnection.this.close();
        }
      };

  UpgradedConnection(EndPoint endPoint, Consumer<Duplex> protocol) {
    super(endPoint, Runnable::run);
    this.protocol = protocol;
  }

  @Override
  public void onUpgradeTo(ByteBuffer prefilled) {
    if (prefilled != null && prefilled.hasRemaining()) {
      BufferUtil.append(buffer, prefilled);
    }
  }

  @Override
  public void onOpen() {
    super.onOpen();
    getEndPoint().setIdleTimeout(IDLE_TIMEOUT.toMillis());
    Thread.ofVirtual()
        .name("upgraded-connection")
        .start(
            () -> {
              try {
                protocol.accept(this);
              } finally {
                close();
              }
            });
  }

  @Override
  public void onFillable() {
    // reads are driven by the protocol thread through fill(); nothing to do here
  }

  private synchronized int fill(byte[] b, int off, int len) throws IOException {
    while (!buffer.hasRemaining()) {
      if (closed) {
        return -1;
      }
      BufferUtil.clear(buffer);
      int n = getEndPoint().fill(buffer);
      if (n < 0) {
        return -1;
      }
      if (n == 0) {
        FutureCallback readable = new FutureCallback();
        getEndPoint().fillInterested(readable);
        await(readable);
      }
    }
    int n = Math.min(len, buffer.remaining());
    buffer.get(b, off, n);
    return n;
  }

  private void send(ByteBuffer data) throws IOException {
    if (closed) {
      throw new IOException("connection closed");
    }
    FutureCallback written = new FutureCallback();
    synchronized (output) {
      getEndPoint().write(written, data);
      await(written);
    }
  }

  private static void await(FutureCallback cb) throws IOException {
    try {
      cb.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(c);
    }
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      getEndPoint().close();
    }
  }
}

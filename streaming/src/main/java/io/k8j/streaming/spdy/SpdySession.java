package io.k8j.streaming.spdy;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SPDY/3.1 connection, either side: streams the peer opens are handed to a handler (which must
 * {@link SpdyStream#reply()} before sending on them), streams this side opens wait for the peer's
 * reply. Pings are answered; a GOAWAY or the end of the byte stream ends every stream.
 */
public final class SpdySession implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SpdySession.class);
  private static final long REPLY_TIMEOUT_MILLIS = 30_000;

  private final SpdyFramer framer;
  private final Closeable transport;
  private final boolean server;
  private final Map<Integer, SpdyStream> streams = new ConcurrentHashMap<>();
  private final AtomicInteger nextId;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile int lastRemoteId;
  private volatile boolean closed;

  /**
   * @param transport closed when the session closes (the socket or upgraded connection)
   * @param server true on the side that accepted the connection (even stream and ping ids)
   */
  public SpdySession(InputStream in, OutputStream out, Closeable transport, boolean server) {
    this.framer = new SpdyFramer(in, out);
    this.transport = transport;
    this.server = server;
    this.nextId = new AtomicInteger(server ? 2 : 1);
  }

  SpdyFramer framer() {
    return framer;
  }

  /** Reads frames on a new virtual thread until the connection ends. */
  public void start(Consumer<SpdyStream> onNewStream) {
    Thread.ofVirtual().name("spdy-reader").start(() -> run(onNewStream));
  }

  private void run(Consumer<SpdyStream> onNewStream) {
    try {
      while (!closed) {
        switch (framer.read()) {
          case SpdyFrame.SynStream s -> {
            lastRemoteId = s.streamId();
            SpdyStream stream = new SpdyStream(this, s.streamId(), s.headers());
            streams.put(s.streamId(), stream);
            if ((s.flags() & SpdyFrame.FLAG_FIN) != 0) {
              stream.remoteFinished();
            }
            onNewStream.accept(stream);
          }
          case SpdyFrame.SynReply r -> {
            SpdyStream stream = streams.get(r.streamId());
            if (stream != null) {
              stream.onReply();
              if ((r.flags() & SpdyFrame.FLAG_FIN) != 0) {
                stream.remoteFinished();
              }
            }
          }
          case SpdyFrame.Data d -> {
            SpdyStream stream = streams.get(d.streamId());
            if (stream != null) {
              stream.onData(d.data());
              if (d.fin()) {
                stream.remoteFinished();
              }
            }
          }
          case SpdyFrame.RstStream r -> {
            SpdyStream stream = streams.remove(r.streamId());
            if (stream != null) {
              stream.remoteFinished();
            }
          }
          case SpdyFrame.Headers h -> {
            if ((h.flags() & SpdyFrame.FLAG_FIN) != 0 && streams.get(h.streamId()) != null) {
              streams.get(h.streamId()).remoteFinished();
            }
          }
          case SpdyFrame.Ping p -> {
            if (((p.id() & 1) == 1) == server) {
              framer.ping(p.id());
            }
          }
          case SpdyFrame.GoAway g -> {
            return;
          }
          case SpdyFrame.Ignored i -> {}
        }
      }
    } catch (EOFException e) {
      // the peer closed the connection
    } catch (IOException e) {
      if (!closed) {
        log.debug("SPDY connection ended: {}", e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.values().forEach(SpdyStream::remoteFinished);
      ended.countDown();
      closeQuietly();
    }
  }

  /** Opens a stream with {@code headers} and waits for the peer's reply. */
  public SpdyStream open(Map<String, List<String>> headers) throws IOException {
    int id = nextId.getAndAdd(2);
    SpdyStream stream = new SpdyStream(this, id, headers);
    streams.put(id, stream);
    framer.synStream(id, 0, headers);
    try {
      if (!stream.awaitReply(REPLY_TIMEOUT_MILLIS) || ended.getCount() == 0) {
        throw new IOException("no reply to SPDY stream " + id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted opening a SPDY stream", e);
    }
    return stream;
  }

  /** Waits until the connection ended (the peer closed it, or {@link #close()}). */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }

  /** {@link #awaitEnd()}, at most {@code timeout}; true if it ended. */
  public boolean awaitEnd(long timeout, java.util.concurrent.TimeUnit unit)
      throws InterruptedException {
    return ended.await(timeout, unit);
  }

  /** Sends GOAWAY and closes the connection; every stream ends. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      framer.goAway(lastRemoteId);
    } catch (IOException ignored) {
      // already gone
    }
    closeQuietly();
    streams.values().forEach(SpdyStream::remoteFinished);
  }

  private void closeQuietly() {
    closed = true;
    try {
      transport.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}

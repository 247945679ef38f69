package io.k8j.apiserver.http;

import io.k8j.apiserver.watchcache.CacheWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over WebSocket, as upstream serves it to clients that ask (fabric8 does first): each
 * event is one text message holding the event's JSON. The socket closes normally at the watch's
 * deadline or when the cache ends the watch.
 */
public final class WatchSocket implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(WatchSocket.class);
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final CacheWatcher watcher;
  private final long deadline;
  private final WatchStreamer.Encoder encoder;
  private volatile Session session;
  private volatile boolean closed;

  WatchSocket(CacheWatcher watcher, long deadline, WatchStreamer.Encoder encoder) {
    this.watcher = watcher;
    this.deadline = deadline;
    this.encoder = encoder;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    Thread.ofVirtual().name("watch-socket").start(this::run);
  }

  private void run() {
    try {
      WatchStreamer.pump(watcher, deadline, encoder, this::send, () -> closed);
      if (session.isOpen()) {
        session.close(StatusCode.NORMAL, "watch ended", Callback.NOOP);
      }
    } catch (IOException | InterruptedException e) {
      LOG.warn("the WebSocket watch of {} failed: {}", watcher.describe(), e.getMessage());
      session.close(StatusCode.SERVER_ERROR, "watch failed", Callback.NOOP);
    } finally {
      watcher.close();
    }
  }

  private void send(byte[] event) throws IOException {
    Callback.Completable sent = new Callback.Completable();
    session.sendText(new String(event, StandardCharsets.UTF_8), sent);
    try {
      sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not send a watch event", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed = true;
    watcher.close();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.info("the WebSocket watch of {} ended: {}", watcher.describe(), cause.toString());
    closed = true;
    watcher.close();
  }
}

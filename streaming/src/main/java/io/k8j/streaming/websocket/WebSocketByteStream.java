package io.k8j.streaming.websocket;

import io.k8j.streaming.BlockStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A byte stream carried in binary WebSocket messages, as kubectl tunnels SPDY for port-forward
 * ({@code SPDY/3.1+portforward.k8s.io}): each write is one message; reads run across messages.
 */
public final class WebSocketByteStream {
  private final WebSocket ws;
  private final InputStream input =
      new BlockStreams.Input() {
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          while (pos == current.length) {
            if (ended) {
              return -1;
            }
            WebSocket.Message m = ws.read();
            if (m == null) {
              ended = true;
              return -1;
            }
            current = m.payload();
            pos = 0;
          }
          int n = Math.min(len, current.length - pos);
          System.arraycopy(current, pos, b, off, n);
          pos += n;
          return n;
        }
      };
  private final OutputStream output =
      new BlockStreams.Output() {

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ws.sendBinary(b, off, len);
        }
      };

  public WebSocketByteStream(WebSocket ws) {
    this.ws = ws;
  }

  public InputStream input() {
    return input;
  }

  public OutputStream output() {
    return output;
  }
}

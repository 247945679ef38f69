package io.k8j.streaming.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 framing over an upgraded connection, either side: {@link #read()} returns whole data
 * messages, answering pings and the peer's close on the way; sends are synchronized, one frame per
 * message. The client side masks what it sends, as the RFC requires.
 */
public final class WebSocket {
  public static final int BINARY = 2;
  public static final int TEXT = 1;
  private static final int CONTINUATION = 0;
  private static final int CLOSE = 8;
  private static final int PING = 9;
  private static final int PONG = 10;
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final DataInputStream in;
  private final OutputStream out;
  private final boolean client;
  private boolean closeSent;

  public WebSocket(InputStream in, OutputStream out, boolean client) {
    this.in = new DataInputStream(in);
    this.out = out;
    this.client = client;
  }

  /** One message from the peer. */
  public record Message(int opcode, byte[] payload) {}

  /** {@code Sec-WebSocket-Accept} for the client's {@code Sec-WebSocket-Key}. */
  public static String accept(String key) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (key.strip() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                      .getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next data message, or null once the peer closed the connection. */
  public Message read() throws IOException {
    ByteArrayOutputStream assembled = null;
    int messageOpcode = 0;
    while (true) {
      int b0;
      try {
        b0 = in.readUnsignedByte();
      } catch (EOFException e) {
        return null;
      }
      int b1 = in.readUnsignedByte();
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      if (len > MAX_MESSAGE) {
        throw new IOException("WebSocket frame too large: " + len);
      }
      byte[] mask = null;
      if ((b1 & 0x80) != 0) {
        mask = new byte[4];
        in.readFully(mask);
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i & 3];
        }
      }
      switch (opcode) {
        case PING -> send(PONG, payload, 0, payload.length);
        case PONG -> {}
        case CLOSE -> {
          close(payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1000);
          return null;
        }
        default -> {
          if (opcode != CONTINUATION) {
            messageOpcode = opcode;
          }
          if (fin && assembled == null) {
            return new Message(messageOpcode, payload);
          }
          if (assembled == null) {
            assembled = new ByteArrayOutputStream();
          }
          assembled.write(payload);
          if (assembled.size() > MAX_MESSAGE) {
            throw new IOException("WebSocket message too large");
          }
          if (fin) {
            return new Message(messageOpcode, assembled.toByteArray());
          }
        }
      }
    }
  }

  public void sendBinary(byte[] payload, int off, int len) throws IOException {
    send(BINARY, payload, off, len);
  }

  /** A binary message of one channel byte followed by {@code data}. */
  public void sendChannel(int channel, byte[] data, int off, int len) throws IOException {
    byte[] m = new byte[len + 1];
    m[0] = (byte) channel;
    System.arraycopy(data, off, m, 1, len);
    send(BINARY, m, 0, m.length);
  }

  public void ping() throws IOException {
    send(PING, new byte[0], 0, 0);
  }

  /** Sends a close frame with {@code code}, once. */
  public void close(int code) {
    synchronized (this) {
      if (closeSent) {
        return;
      }
    }
    try {
      send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, 0, 2);
    } catch (IOException ignored) {
      // the peer is gone
    }
    synchronized (this) {
      closeSent = true;
    }
  }

  private synchronized void send(int opcode, byte[] payload, int off, int len) throws IOException {
    if (closeSent) {
      throw new IOException("WebSocket is closed");
    }
    ByteBuffer h = ByteBuffer.allocate(14);
    h.put((byte) (0x80 | opcode));
    int maskBit = client ? 0x80 : 0;
    if (len < 126) {
      h.put((byte) (maskBit | len));
    } else if (len < 65536) {
      h.put((byte) (maskBit | 126)).putShort((short) len);
    } else {
      h.put((byte) (maskBit | 127)).putLong(len);
    }
    byte[] body = new byte[len];
    System.arraycopy(payload, off, body, 0, len);
    if (client) {
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      h.put(mask);
      for (int i = 0; i < len; i++) {
        body[i] ^= mask[i & 3];
      }
    }
    byte[] frame = new byte[h.position() + len];
    System.arraycopy(h.array(), 0, frame, 0, h.position());
    System.arraycopy(body, 0, frame, h.position(), len);
    out.write(frame);
    out.flush();
  }
}

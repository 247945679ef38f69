package io.k8j.streaming.spdy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Reads and writes SPDY/3.1 frames on a byte stream. Header blocks are zlib-compressed with the
 * SPDY dictionary, one compression context per direction for the whole connection, as the draft
 * requires. Reading is single-threaded; writing is synchronized, each frame one {@code write}.
 */
public final class SpdyFramer {
  /** Larger frames are a protocol error here (data frames k8j writes are at most 32 KiB). */
  private static final int MAX_FRAME = 1 << 24;

  private final DataInputStream in;
  private final OutputStream out;
  private final Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
  private final Inflater inflater = new Inflater();

  public SpdyFramer(InputStream in, OutputStream out) {
    this.in = new DataInputStream(in);
    this.out = out;
    deflater.setDictionary(SpdyDictionary.BYTES);
  }

  /** The next frame; {@link EOFException} at a clean end of the stream between frames. */
  public SpdyFrame read() throws IOException {
    int w0 = in.readInt();
    int w1 = in.readInt();
    int flags = w1 >>> 24;
    int length = w1 & 0xffffff;
    if (length > MAX_FRAME) {
      throw new IOException("SPDY frame too large: " + length);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    if (w0 >= 0) {
      return new SpdyFrame.Data(w0 & 0x7fffffff, flags, payload);
    }
    int version = (w0 >>> 16) & 0x7fff;
    if (version != 3) {
      throw new IOException("unsupported SPDY version " + version);
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    int type = w0 & 0xffff;
    return switch (type) {
      case SpdyFrame.TYPE_SYN_STREAM -> {
        int id = b.getInt() & 0x7fffffff;
        b.getInt(); // associated stream
        b.getShort(); // priority, slot
        yield new SpdyFrame.SynStream(id, flags, headers(payload, 10));
      }
      case SpdyFrame.TYPE_SYN_REPLY ->
          new SpdyFrame.SynReply(b.getInt() & 0x7fffffff, flags, headers(payload, 4));
      case SpdyFrame.TYPE_HEADERS ->
          new SpdyFrame.Headers(b.getInt() & 0x7fffffff, flags, headers(payload, 4));
      case SpdyFrame.TYPE_RST_STREAM ->
          new SpdyFrame.RstStream(b.getInt() & 0x7fffffff, b.getInt());
      case SpdyFrame.TYPE_PING -> new SpdyFrame.Ping(b.getInt());
      case SpdyFrame.TYPE_GOAWAY -> new SpdyFrame.GoAway(b.getInt() & 0x7fffffff, b.getInt());
      default -> new SpdyFrame.Ignored(type);
    };
  }

  private Map<String, List<String>> headers(byte[] payload, int offset) throws IOException {
    inflater.setInput(payload, offset, payload.length - offset);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      while (true) {
        int n = inflater.inflate(buf);
        if (n > 0) {
          raw.write(buf, 0, n);
        } else if (inflater.needsDictionary()) {
          inflater.setDictionary(SpdyDictionary.BYTES);
        } else if (inflater.needsInput() || inflater.finished()) {
          break;
        }
      }
    } catch (DataFormatException e) {
      throw new IOException("bad SPDY header block: " + e.getMessage(), e);
    }
    return decodeHeaderBlock(raw.toByteArray());
  }

  static Map<String, List<String>> decodeHeaderBlock(byte[] block) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(block);
    try {
      int count = b.getInt();
      Map<String, List<String>> h = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = string(b).toLowerCase(Locale.ROOT);
        String value = string(b);
        h.computeIfAbsent(name, k -> new ArrayList<>()).addAll(Arrays.asList(value.split("\0")));
      }
      return h;
    } catch (RuntimeException e) {
      throw new IOException("bad SPDY header block", e);
    }
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  static byte[] encodeHeaderBlock(Map<String, List<String>> headers) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    writeInt(b, headers.size());
    for (var e : headers.entrySet()) {
      writeString(b, e.getKey().toLowerCase(Locale.ROOT));
      writeString(b, String.join("\0", e.getValue()));
    }
    return b.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeInt(b, bytes.length);
    b.writeBytes(bytes);
  }

  private static void writeInt(ByteArrayOutputStream b, int v) {
    b.write(v >>> 24);
    b.write(v >>> 16);
    b.write(v >>> 8);
    b.write(v);
  }

  private byte[] compress(Map<String, List<String>> headers) {
    byte[] block = encodeHeaderBlock(headers);
    deflater.setInput(block);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    do {
      n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n == buf.length || !deflater.needsInput());
    return out.toByteArray();
  }

  public synchronized void synStream(int streamId, int flags, Map<String, List<String>> headers)
      throws IOException {
    byte[] nv = compress(headers);
    ByteBuffer p = ByteBuffer.allocate(10 + nv.length);
    p.putInt(streamId).putInt(0).putShort((short) 0).put(nv);
    control(SpdyFrame.TYPE_SYN_STREAM, flags, p.array());
  }

  public synchronized void synReply(int streamId, int flags, Map<String, List<String>> headers)
      throws IOException {
    byte[] nv = compress(headers);
    ByteBuffer p = ByteBuffer.allocate(4 + nv.length);
    p.putInt(streamId).put(nv);
    control(SpdyFrame.TYPE_SYN_REPLY, flags, p.array());
  }

  public synchronized void rstStream(int streamId, int status) throws IOException {
    control(
        SpdyFrame.TYPE_RST_STREAM,
        0,
        ByteBuffer.allocate(8).putInt(streamId).putInt(status).array());
  }

  public synchronized void ping(int id) throws IOException {
    control(SpdyFrame.TYPE_PING, 0, ByteBuffer.allocate(4).putInt(id).array());
  }

  public synchronized void goAway(int lastGoodStreamId) throws IOException {
    control(
        SpdyFrame.TYPE_GOAWAY,
        0,
        ByteBuffer.allocate(8).putInt(lastGoodStreamId).putInt(0).array());
  }

  public synchronized void data(int streamId, int flags, byte[] data, int off, int len)
      throws IOException {
    byte[] f = new byte[8 + len];
    ByteBuffer.wrap(f).putInt(streamId & 0x7fffffff).putInt((flags << 24) | len);
    System.arraycopy(data, off, f, 8, len);
    out.write(f);
    out.flush();
  }

  private void control(int type, int flags, byte[] payload) throws IOException {
    byte[] f = new byte[8 + payload.length];
    ByteBuffer.wrap(f).putInt(0x80030000 | type).putInt((flags << 24) | payload.length);
    System.arraycopy(payload, 0, f, 8, payload.length);
    out.write(f);
    out.flush();
  }
}

package io.k8j.streaming.spdy;

import java.util.List;
import java.util.Map;

/** The SPDY/3.1 frames k8j reads and writes, unpacked. Header names are lower case. */
public sealed interface SpdyFrame {
  int FLAG_FIN = 0x01;

  int TYPE_SYN_STREAM = 1;
  int TYPE_SYN_REPLY = 2;
  int TYPE_RST_STREAM = 3;
  int TYPE_SETTINGS = 4;
  int TYPE_PING = 6;
  int TYPE_GOAWAY = 7;
  int TYPE_HEADERS = 8;
  int TYPE_WINDOW_UPDATE = 9;

  /** RST_STREAM status CANCEL. */
  int CANCEL = 5;

  record SynStream(int streamId, int flags, Map<String, List<String>> headers)
      implements SpdyFrame {}

  record SynReply(int streamId, int flags, Map<String, List<String>> headers)
      implements SpdyFrame {}

  record RstStream(int streamId, int status) implements SpdyFrame {}

  record Ping(int id) implements SpdyFrame {}

  record GoAway(int lastGoodStreamId, int status) implements SpdyFrame {}

  record Headers(int streamId, int flags, Map<String, List<String>> headers) implements SpdyFrame {}

  /** SETTINGS and WINDOW_UPDATE: read and ignored (spdystream, kubectl's SPDY, does neither). */
  record Ignored(int type) implements SpdyFrame {}

  record Data(int streamId, int flags, byte[] data) implements SpdyFrame {
    public boolean fin() {
      return (flags & FLAG_FIN) != 0;
    }
  }
}

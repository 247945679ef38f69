package io.k8j.streaming.spdy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The zlib dictionary SPDY/3 header blocks are compressed with (section 2.6.10.1 of the SPDY/3
 * draft): length-prefixed header names and values, then common text.
 */
final class SpdyDictionary {
  private static final String[] WORDS = {
    "options",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "connection",
    "content-base",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "retry-after",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "method",
    "get",
    "status",
    "200 OK",
    "version",
    "HTTP/1.1",
    "url",
    "public",
    "set-cookie",
    "keep-alive",
    "origin",
  };

  private static final String TAIL =
      "10010120120220520630030230330430530630740240540640740840941041141241341441541641"
          + "7502504505203 Non-Authoritative Information204 No Content301 Moved Permanently40"
          + "0 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error"
          + "501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept O"
          + "ct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,imag"
          + "e/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/"
          + "javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1"
          + ",utf-,*,enq=0.";

  static final byte[] BYTES = build();

  private SpdyDictionary() {}

  private static byte[] build() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String w : WORDS) {
      byte[] s = w.getBytes(StandardCharsets.US_ASCII);
      b.write(s.length >>> 24);
      b.write(s.length >>> 16);
      b.write(s.length >>> 8);
      b.write(s.length);
      b.writeBytes(s);
    }
    b.writeBytes(TAIL.getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }
}

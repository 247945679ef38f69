package io.k8j.streaming;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;

/**
 * Whether the client of a request has closed its side of an HTTP/1.x connection while a response
 * streams (a watch, a followed log). Jetty reads such a connection only when the handler asks for
 * content, so a server would notice a vanished client only at its next write; Go's server reads in
 * the background for this, and this does the same by trying a read that takes at most the one byte
 * a client should never send mid-response. HTTP/2 streams report a reset through the request's
 * failure listeners instead.
 */
public final class ClientConnection {
  private ClientConnection() {}

  public static boolean gone(Request request) {
    var meta = request.getConnectionMetaData();
    var endPoint = meta.getConnection().getEndPoint();
    if (!endPoint.isOpen()) {
      return true;
    }
    if (meta.getHttpVersion() == HttpVersion.HTTP_2
        || meta.getHttpVersion() == HttpVersion.HTTP_3) {
      return false;
    }
    try {
      ByteBuffer probe = ByteBuffer.allocate(1);
      probe.flip();
      return endPoint.fill(probe) < 0;
    } catch (IOException e) {
      return true;
    }
  }
}

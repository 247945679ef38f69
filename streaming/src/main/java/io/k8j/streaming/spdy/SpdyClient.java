package io.k8j.streaming.spdy;

import io.k8j.streaming.HttpHead;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Dials a streaming URL over plain HTTP and upgrades to SPDY/3.1, as the kubelet does to the CRI
 * runtime's streaming server (containerd's listens on loopback, without TLS).
 */
public final class SpdyClient {
  private SpdyClient() {}

  /** Connects, asks for {@code protocol} and returns the started client session. */
  public static SpdySession connect(URI url, String protocol) throws IOException {
    if (!"http".equals(url.getScheme())) {
      throw new IOException("unsupported streaming URL " + url);
    }
    Socket socket = new Socket();
    try {
      socket.connect(
          new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort()), 10_000);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
      String request =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: "
              + url.getHost()
              + ":"
              + url.getPort()
              + "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: "
              + protocol
              + "\r\nContent-Length: 0\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      HttpHead head = HttpHead.read(in);
      if (head.status() != 101) {
        throw new IOException("the streaming server refused the upgrade: " + head.statusLine());
      }
      SpdySession session = new SpdySession(in, out, socket, false);
      session.start(SpdyStream::reset);
      return session;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }
}

package io.k8j.streaming.portforward;

import io.k8j.streaming.Pumps;
import io.k8j.streaming.spdy.SpdySession;
import io.k8j.streaming.spdy.SpdyStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The client side of one forwarded connection over SPDY ({@code portforward.k8s.io}), as the
 * kubelet speaks it to the runtime's streaming server.
 */
public final class PortForwardClient {
  private PortForwardClient() {}

  /** Joins {@code in}/{@code out} to {@code port} until the pod's side ends; closes the session. */
  public static void forward(SpdySession session, int port, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    try {
      Map<String, List<String>> h =
          Map.of("port", List.of(Integer.toString(port)), "requestid", List.of("0"));
      SpdyStream error = session.open(with(h, "error"));
      SpdyStream data = session.open(with(h, "data"));
      Thread up = Thread.ofVirtual().start(() -> Pumps.copyAndClose(in, data.output()));
      Pumps.copy(data.input(), out);
      String failure = new String(error.input().readAllBytes(), StandardCharsets.UTF_8);
      up.interrupt();
      if (!failure.isBlank()) {
        throw new IOException(failure.strip());
      }
    } finally {
      session.close();
    }
  }

  private static Map<String, List<String>> with(Map<String, List<String>> h, String type) {
    var m = new java.util.LinkedHashMap<>(h);
    m.put("streamtype", List.of(type));
    return m;
  }
}

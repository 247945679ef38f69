package io.k8j.streaming.portforward;

import io.k8j.streaming.Negotiation;
import io.k8j.streaming.OpenSessions;
import io.k8j.streaming.spdy.SpdySession;
import io.k8j.streaming.spdy.SpdyStream;
import io.k8j.streaming.upgrade.Duplex;
import io.k8j.streaming.websocket.WebSocket;
import io.k8j.streaming.websocket.WebSocketByteStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of port-forward ({@code portforward.k8s.io}): SPDY/3.1, directly or tunnelled in
 * WebSocket binary messages ({@code SPDY/3.1+portforward.k8s.io}, kubectl 1.32's default). The
 * client opens an error and a data stream per connection, both naming {@code port} and {@code
 * requestID}; once both are there the data stream is joined to the pod's port.
 */
public final class PortForwardServer {
  private static final Logger log = LoggerFactory.getLogger(PortForwardServer.class);
  public static final String PROTOCOL = "portforward.k8s.io";
  public static final String TUNNELED = "SPDY/3.1+portforward.k8s.io";

  private PortForwardServer() {}

  public static void serve(
      Request request,
      Response response,
      Callback callback,
      String description,
      OpenSessions open,
      PortForwarder forwarder) {
    Negotiation.upgrade(
        request,
        response,
        callback,
        List.of(TUNNELED),
        open.counting(
            (chosen, d) -> {
              WebSocketByteStream tunnel =
                  new WebSocketByteStream(new WebSocket(d.input(), d.output(), false));
              run(tunnel.input(), tunnel.output(), d, description, forwarder);
            }),
        List.of(PROTOCOL),
        open.counting((chosen, d) -> run(d.input(), d.output(), d, description, forwarder)));
  }

  private static void run(
      InputStream in,
      OutputStream out,
      Duplex duplex,
      String description,
      PortForwarder forwarder) {
    SpdySession session = new SpdySession(in, out, duplex, true);
    Map<String, Pair> pairs = new ConcurrentHashMap<>();
    session.start(
        stream -> {
          try {
            stream.reply();
          } catch (IOException e) {
            return;
          }
          String type = stream.header("streamtype");
          String port = stream.header("port");
          String requestId = stream.header("requestid");
          if (type == null || port == null) {
            stream.reset();
            return;
          }
          String key = requestId == null ? port : requestId;
          Pair p = pairs.computeIfAbsent(key, k -> new Pair());
          synchronized (p) {
            if (type.equals("error")) {
              p.error = stream;
            } else if (type.equals("data")) {
              p.data = stream;
            }
            if (p.error != null && p.data != null && !p.started) {
              p.started = true;
              pairs.remove(key);
              Thread.ofVirtual()
                  .name("port-forward")
                  .start(() -> forward(p, port, description, forwarder));
            }
          }
        });
    try {
      session.awaitEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      session.close();
    }
  }

  private static void forward(Pair p, String portText, String description, PortForwarder f) {
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      fail(p, "invalid port " + portText);
      return;
    }
    log.info("{}: forwarding a connection to port {}", description, port);
    try {
      f.forward(port, p.data.input(), p.data.output());
      p.data.output().close();
      p.error.output().close();
    } catch (Exception e) {
      fail(p, "error forwarding port " + port + " to " + description + ": " + e.getMessage());
    }
  }

  private static void fail(Pair p, String message) {
    log.info(message);
    try {
      p.error.output().write(message.getBytes(StandardCharsets.UTF_8));
      p.error.output().close();
      p.data.output().close();
    } catch (IOException ignored) {
      p.data.reset();
    }
  }

  private static final class Pair {
    SpdyStream error;
    SpdyStream data;
    boolean started;
  }
}

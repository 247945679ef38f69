package io.k8j.streaming;

import io.k8j.streaming.upgrade.Duplex;
import io.k8j.streaming.upgrade.Upgrades;
import io.k8j.streaming.websocket.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Choosing the sub-protocol of a streaming request (WebSocket {@code Sec-WebSocket-Protocol} or
 * SPDY {@code X-Stream-Protocol-Version}) and switching to it: the first protocol the client offers
 * that the server supports wins, as upstream negotiates.
 */
public final class Negotiation {
  public static final String STREAM_PROTOCOL_HEADER = "X-Stream-Protocol-Version";

  private Negotiation() {}

  /** A session over an upgraded connection, given the negotiated sub-protocol. */
  @FunctionalInterface
  public interface Session {
    void run(String protocol, Duplex connection);
  }

  /**
   * Upgrades to WebSocket or SPDY/3.1, whichever the request asks for, with the first offered
   * sub-protocol the server supports; answers 400 (or upstream's 403 for SPDY) when there is none.
   */
  public static void upgrade(
      Request request,
      Response response,
      Callback callback,
      List<String> websocketProtocols,
      Session websocket,
      List<String> spdyProtocols,
      Session spdy) {
    String upgrade = Upgrades.requested(request);
    if (upgrade.equals("websocket")) {
      String chosen = websocketProtocol(request, websocketProtocols);
      if (chosen == null) {
        reject(
            response,
            callback,
            400,
            "unable to upgrade: no supported sub-protocol requested, the server supports "
                + websocketProtocols);
        return;
      }
      switchToWebSocket(request, response, callback, chosen, d -> websocket.run(chosen, d));
    } else if (upgrade.equals("spdy/3.1")) {
      String chosen = spdyProtocol(request, spdyProtocols);
      if (chosen == null) {
        reject(
            response,
            callback,
            403,
            "unable to upgrade: unable to negotiate protocol: client supports "
                + offered(request)
                + ", server supports "
                + spdyProtocols);
        return;
      }
      switchToSpdy(request, response, callback, chosen, d -> spdy.run(chosen, d));
    } else {
      reject(response, callback, 400, "Upgrade request required");
    }
  }

  public static String websocketProtocol(Request request, List<String> supported) {
    return choose(values(request, "Sec-WebSocket-Protocol"), supported);
  }

  public static String spdyProtocol(Request request, List<String> supported) {
    return choose(values(request, STREAM_PROTOCOL_HEADER), supported);
  }

  /** The SPDY protocols the client offered. */
  public static List<String> offered(Request request) {
    return values(request, STREAM_PROTOCOL_HEADER);
  }

  private static String choose(List<String> offered, List<String> supported) {
    for (String o : offered) {
      if (supported.contains(o)) {
        return o;
      }
    }
    return null;
  }

  private static List<String> values(Request request, String header) {
    List<String> out = new ArrayList<>();
    for (String v : request.getHeaders().getValuesList(header)) {
      for (String p : v.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
    }
    return out;
  }

  public static void switchToWebSocket(
      Request request,
      Response response,
      Callback callback,
      String protocol,
      Consumer<Duplex> session) {
    String key = request.getHeaders().get("Sec-WebSocket-Key");
    if (key == null) {
      reject(response, callback, 400, "missing Sec-WebSocket-Key");
      return;
    }
    Upgrades.switchProtocols(
        request,
        response,
        callback,
        Map.of(
            "Upgrade",
            "websocket",
            "Connection",
            "Upgrade",
            "Sec-WebSocket-Accept",
            WebSocket.accept(key),
            "Sec-WebSocket-Protocol",
            protocol),
        session);
  }

  public static void switchToSpdy(
      Request request,
      Response response,
      Callback callback,
      String protocol,
      Consumer<Duplex> session) {
    Upgrades.switchProtocols(
        request,
        response,
        callback,
        Map.of("Upgrade", "SPDY/3.1", "Connection", "Upgrade", STREAM_PROTOCOL_HEADER, protocol),
        session);
  }

  /** A plain-text error answer, as the kubelet gives before an upgrade. */
  public static void reject(Response response, Callback callback, int code, String message) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(
        true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
  }
}

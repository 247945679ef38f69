package io.k8j.streaming.upgrade;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Switching a Jetty HTTP/1.1 request to another protocol (101) and taking over its connection. */
public final class Upgrades {
  private Upgrades() {}

  /** The request's {@code Upgrade} token, lower case, or "" when it asks for none. */
  public static String requested(Request request) {
    String connection = request.getHeaders().get(HttpHeader.CONNECTION);
    String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
    if (connection == null
        || upgrade == null
        || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
      return "";
    }
    return upgrade.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Answers 101 Switching Protocols with {@code headers} and runs {@code protocol} on the
   * connection once the answer is out. The handler must return true after calling this.
   */
  public static void switchProtocols(
      Request request,
      Response response,
      Callback callback,
      Map<String, String> headers,
      Consumer<Duplex> protocol) {
    request.setAttribute(
        HttpStream.UPGRADE_CONNECTION_ATTRIBUTE,
        new UpgradedConnection(
            request.getConnectionMetaData().getConnection().getEndPoint(), protocol));
    response.setStatus(101);
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    callback.succeeded();
  }
}

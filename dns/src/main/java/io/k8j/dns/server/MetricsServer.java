package io.k8j.dns.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * CoreDNS's {@code prometheus} plugin: {@code GET /metrics} in the Prometheus text format, over
 * plain HTTP (port 9153 by default); every other path is 404.
 */
public final class MetricsServer implements AutoCloseable {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Server server;
  private final ServerConnector connector;

  /** Binds {@code address} (port 0: any free port) and serves {@code registry}. */
  public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(4, 1);
    threads.setName("dns-metrics");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost(address.getAddress().getHostAddress());
    connector.setPort(address.getPort());
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            if (!Request.getPathInContext(request).equals("/metrics")) {
              Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
              return true;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.write(
                true,
                ByteBuffer.wrap(registry.scrape().getBytes(StandardCharsets.UTF_8)),
                callback);
            return true;
          }
        });
    try {
      server.start();
    } catch (IOException e) {
      close();
      throw e;
    } catch (Exception e) {
      close();
      throw new IOException("metrics server on " + address + ": " + e.getMessage(), e);
    }
  }

  /** Where it serves (the port chosen when it was asked for port 0). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}

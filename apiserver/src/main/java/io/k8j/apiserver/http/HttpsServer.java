package io.k8j.apiserver.http;

import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/** Jetty serving HTTPS with HTTP/2 and HTTP/1.1 negotiated by ALPN, handlers on virtual threads. */
public final class HttpsServer implements AutoCloseable {
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  private final Server server;
  private final ServerConnector connector;

  public HttpsServer(
      String host,
      int port,
      KeyStore keyStore,
      char[] keyPassword,
      KeyStore clientCas,
      Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("apiserver");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server = new Server(threads);

    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendDateHeader(true);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);

    HttpConnectionFactory http1 = new HttpConnectionFactory(config);
    HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(config);
    http2.setMaxConcurrentStreams(1000);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http1.getProtocol());

    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(keyStore);
    ssl.setKeyStorePassword("");
    ssl.setKeyManagerPassword(new String(keyPassword));
    // client certificates are asked for, not required: requests without one authenticate otherwise
    ssl.setTrustStore(clientCas);
    ssl.setWantClientAuth(true);
    ssl.setCipherComparator(org.eclipse.jetty.http2.HTTP2Cipher.COMPARATOR);
    SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());

    connector = new ServerConnector(server, tls, alpn, http2, http1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.setHandler(handler);
    ServerWebSocketContainer.ensure(server);
    server.setStopTimeout(2000);
  }

  public void start() throws Exception {
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}

package io.k8j.kubelet.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.k8j.kubelet.node.MachineInfo;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.util.Json;
import io.k8j.streaming.OpenSessions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The kubelet API over HTTPS with a self-signed certificate: {@code /healthz} ({@code ok} while the
 * runtime answers), {@code /pods} (the pods this kubelet runs, as a PodList) and {@code /spec} (the
 * machine, in cadvisor's MachineInfo shape).
 */
public final class KubeletServer implements AutoCloseable {
  static final String TEXT = "text/plain; charset=utf-8";

  /** The request attribute holding the {@link KubeletAuth.Caller} of an authorized request. */
  public static final String CALLER = "io.k8j.kubelet.caller";

  private static final java.util.Set<String> READ_ONLY_PATHS =
      java.util.Set.of("/healthz", "/pods", "/pods/", "/spec", "/spec/");

  /** A handler of the paths under one prefix; it answers the request itself. */
  @FunctionalInterface
  public interface Route {
    void handle(Request request, Response response, Callback callback) throws Exception;
  }

  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Server server;
  private final ServerConnector connector;
  private final SslContextFactory.Server ssl;
  private volatile KubeletAuth auth;
  private ServerConnector readOnly;
  private final Supplier<List<Pod>> pods;
  private final Map<String, OpenSessions> streamingSessions =
      Map.of(
          "exec",
          new OpenSessions(),
          "attach",
          new OpenSessions(),
          "portForward",
          new OpenSessions());

  public KubeletServer(
      String nodeName,
      String nodeIp,
      String bindAddress,
      int port,
      Supplier<List<Pod>> pods,
      MachineInfo machine,
      BooleanSupplier healthy) {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("kubelet-api");
    threads.setVirtualThreadsExecutor(
        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server = new Server(threads);
    this.pods = pods;
    ssl = new SslContextFactory.Server();
    ssl.setKeyStore(SelfSignedCertificate.create(nodeName, nodeIp));
    ssl.setKeyStorePassword(new String(SelfSignedCertificate.PASSWORD));
    ssl.setKeyManagerPassword(new String(SelfSignedCertificate.PASSWORD));
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer src = new SecureRequestCustomizer();
    src.setSniHostCheck(false);
    https.addCustomizer(src);
    connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(bindAddress);
    connector.setPort(port);
    server.addConnector(connector);
    String spec = spec(machine);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (request.getConnectionMetaData().getConnector() == readOnly
                && !READ_ONLY_PATHS.contains(path)) {
              send(response, callback, HttpStatus.NOT_FOUND_404, TEXT, "404 page not found\n");
              return true;
            }
            KubeletAuth a = auth;
            if (a != null
                && request.getConnectionMetaData().getConnector() == connector
                && !path.equals("/healthz")) {
              KubeletAuth.Decision d =
                  a.decide(
                      clientCertificates(request),
                      request.getHeaders().get(HttpHeader.AUTHORIZATION),
                      request.getMethod(),
                      path);
              if (!d.allowed()) {
                send(response, callback, d.code(), TEXT, d.message());
                return true;
              }
              request.setAttribute(CALLER, d.caller());
            }
            switch (path) {
              case "/healthz" -> {
                if (healthy.getAsBoolean()) {
                  send(response, callback, HttpStatus.OK_200, "text/plain; charset=utf-8", "ok");
                } else {
                  send(
                      response,
                      callback,
                      HttpStatus.INTERNAL_SERVER_ERROR_500,
                      "text/plain; charset=utf-8",
                      "[-]syncloop failed: the container runtime does not answer\nhealthz check failed");
                }
              }
              case "/pods", "/pods/" -> {
                PodList list =
                    new PodListBuilder()
                        .withApiVersion("v1")
                        .withKind("PodList")
                        .withNewMetadata()
                        .endMetadata()
                        .withItems(pods.get())
                        .build();
                send(response, callback, HttpStatus.OK_200, "application/json", Json.write(list));
              }
              case "/spec", "/spec/" ->
                  send(response, callback, HttpStatus.OK_200, "application/json", spec);
              default -> {
                Route route = route(path);
                if (route == null) {
                  send(response, callback, HttpStatus.NOT_FOUND_404, TEXT, "404 page not found\n");
                } else {
                  try {
                    route.handle(request, response, callback);
                  } catch (Exception e) {
                    callback.failed(e);
                  }
                }
              }
            }
            return true;
          }
        });
  }

  private static String spec(MachineInfo m) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("num_cores", m.cores());
    o.put("num_physical_cores", m.cores());
    o.put("num_sockets", 1);
    o.put("cpu_frequency_khz", 0);
    o.put("memory_capacity", m.memoryBytes());
    o.put("machine_id", m.machineId());
    o.put("system_uuid", m.systemUuid());
    o.put("boot_id", m.bootId());
    ObjectNode fs = o.putArray("filesystems").addObject();
    fs.put("device", "/");
    fs.put("capacity", m.storageBytes());
    fs.put("type", "vfs");
    o.put("instance_type", "unknown");
    o.put("cloud_provider", "Unknown");
    return o.toString();
  }

  /**
   * Authenticates and authorizes every request but {@code /healthz} with {@code auth}, as
   * upstream's kubelet with {@code --client-ca-file}, webhook authentication and authorization and
   * anonymous access off: callers present a client certificate issued by one of {@code clientCa}'s
   * certificates (the cluster CA) or a bearer token; without either, 401; without the right on the
   * node's subresource, 403. The caller of an allowed request is the request attribute {@link
   * #CALLER}. Called before {@link #start}.
   */
  public void authenticateWith(KeyStore clientCa, KubeletAuth auth) {
    ssl.setTrustStore(clientCa);
    ssl.setWantClientAuth(true);
    this.auth = auth;
  }

  /**
   * Also serves {@code /healthz}, {@code /pods} and {@code /spec} over plain HTTP, without
   * authentication, on {@code port} (upstream's read-only port, 10255). Called before {@link
   * #start}.
   */
  public void serveReadOnly(String bindAddress, int port) {
    readOnly = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
    readOnly.setHost(bindAddress);
    readOnly.setPort(port);
    server.addConnector(readOnly);
  }

  /** The read-only port it listens on, or -1 when it serves none. */
  public int readOnlyPort() {
    return readOnly == null ? -1 : readOnly.getLocalPort();
  }

  private static java.security.cert.X509Certificate[] clientCertificates(Request request) {
    Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
    return ssl instanceof EndPoint.SslSessionData data ? data.peerCertificates() : null;
  }

  /**
   * Serves the paths under {@code prefix} (a path that equals it, or starts with it) with {@code
   * route}.
   */
  public void route(String prefix, Route route) {
    routes.put(prefix, route);
  }

  private Route route(String path) {
    for (Map.Entry<String, Route> e : routes.entrySet()) {
      if (path.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  static void send(Response r, Callback cb, int status, String type, String body) {
    r.setStatus(status);
    r.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    r.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
  }

  /**
   * Serves {@code /exec}, {@code /attach} and {@code /portForward} through {@code runtime}; call
   * before {@link #start()}.
   */
  public void serveStreaming(ContainerRuntime runtime) {
    StreamingHandler streaming = new StreamingHandler(pods, runtime, streamingSessions);
    for (String kind : streamingSessions.keySet()) {
      route("/" + kind + "/", streaming::handle);
    }
  }

  /** The exec, attach and port-forward sessions open now, by the path's first segment. */
  public Map<String, OpenSessions> streamingSessions() {
    return streamingSessions;
  }

  public void start() throws Exception {
    server.start();
  }

  /** The port it listens on (the chosen one when started with 0). */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}

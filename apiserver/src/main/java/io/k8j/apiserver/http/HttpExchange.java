package io.k8j.apiserver.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * One request and its response, over Jetty's core API, with blocking reads and writes (requests run
 * on virtual threads).
 */
public final class HttpExchange {
  /** The largest request body accepted, as upstream's 3 MiB. */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private static final int GZIP_THRESHOLD = 16 * 1024;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpExchange.class);

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final Fields query;
  private final java.util.concurrent.atomic.AtomicBoolean claimed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile int status;
  private volatile boolean committed;
  private volatile io.k8j.apiserver.auth.UserInfo user;
  private volatile byte[] requestBody;
  private volatile byte[] responseBody;
  private volatile java.util.function.IntConsumer onStarted;

  HttpExchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.query = Request.extractQueryParameters(request);
  }

  public String method() {
    return request.getMethod();
  }

  public String path() {
    String p = request.getHttpURI().getDecodedPath();
    return p == null ? "/" : p;
  }

  /** A query parameter, or null when absent. */
  public String query(String name) {
    return query.getValue(name);
  }

  public boolean queryFlag(String name) {
    String v = query(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  /** The client certificate chain the TLS handshake verified, or null. */
  public java.security.cert.X509Certificate[] clientCertificates() {
    Object ssl = request.getAttribute(org.eclipse.jetty.io.EndPoint.SslSessionData.ATTRIBUTE);
    return ssl instanceof org.eclipse.jetty.io.EndPoint.SslSessionData data
        ? data.peerCertificates()
        : null;
  }

  /** The user the request was authenticated as (set once, before routing). */
  public io.k8j.apiserver.auth.UserInfo user() {
    return user;
  }

  void user(io.k8j.apiserver.auth.UserInfo user) {
    this.user = user;
  }

  /** Every value of a repeated header, in order. */
  public java.util.List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  public int status() {
    return status;
  }

  public boolean committed() {
    return committed;
  }

  /** Calls {@code listener} with the status code once the response starts (the audit log). */
  void onResponseStarted(java.util.function.IntConsumer listener) {
    this.onStarted = listener;
  }

  private void started(int code) {
    status = code;
    committed = true;
    java.util.function.IntConsumer l = onStarted;
    if (l != null) {
      l.accept(code);
    }
  }

  /** Whether a response has been sent or started. */
  boolean answered() {
    return claimed.get();
  }

  /**
   * Upgrades the request to a WebSocket served by {@code endpoint}; false when the upgrade was not
   * possible (the request is then still to be answered).
   */
  boolean upgradeToWebSocket(Object endpoint) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    ServerWebSocketContainer container = ServerWebSocketContainer.get(request.getContext());
    try {
      if (container != null
          && container.upgrade((req, resp, cb) -> endpoint, request, response, callback)) {
        started(101);
        return true;
      }
    } catch (RuntimeException e) {
      LOG.warn("WebSocket upgrade of {} failed", path(), e);
    }
    claimed.set(false);
    return false;
  }

  /**
   * Answers 101 with {@code headers} and hands the connection to {@code protocol}; false when the
   * request was answered already (it timed out) or is not HTTP/1.1.
   */
  public boolean switchProtocols(
      java.util.Map<String, String> headers,
      java.util.function.Consumer<io.k8j.streaming.upgrade.Duplex> protocol) {
    if (request.getConnectionMetaData().getHttpVersion()
            != org.eclipse.jetty.http.HttpVersion.HTTP_1_1
        || !claimed.compareAndSet(false, true)) {
      return false;
    }
    started(101);
    io.k8j.streaming.upgrade.Upgrades.switchProtocols(
        request, response, callback, headers, protocol);
    return true;
  }

  /** Keeps a long-running response (a watch) open through idle periods; it has its own deadline. */
  public void ignoreIdleTimeouts() {
    request.addIdleTimeoutListener(t -> false);
  }

  void onFailure(Runnable r) {
    request.addFailureListener(t -> r.run());
  }

  /** Whether the client has closed its connection while a response streams. */
  public boolean clientGone() {
    return io.k8j.streaming.ClientConnection.gone(request);
  }

  /**
   * The request body.
   *
   * @throws ApiException 413 when it is larger than {@link #MAX_BODY_BYTES}
   */
  public byte[] body() {
    byte[] read = requestBody;
    if (read != null) {
      return read;
    }
    requestBody = readBody();
    return requestBody;
  }

  /** The request body if something read it, else null (for the audit log). */
  byte[] bodyIfRead() {
    return requestBody;
  }

  /** The body of the whole response sent, or null (streams, nothing sent yet). */
  byte[] responseBody() {
    return responseBody;
  }

  /** The query string as sent, or null. */
  String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  /** The client's address. */
  String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  private byte[] readBody() {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (declared > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    try (InputStream in = Request.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  private static ApiException tooLarge() {
    return ApiException.tooLarge("Request entity too large: limit is " + MAX_BODY_BYTES);
  }

  public void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  public void addHeader(String name, String value) {
    response.getHeaders().add(name, value);
  }

  /**
   * Sends a whole response, gzipped when the client accepts it and it is large. Only the first
   * response of an exchange is sent: once a request has timed out, its late answer is dropped.
   */
  public void send(int code, String contentType, byte[] body) {
    if (!claimed.compareAndSet(false, true)) {
      return;
    }
    responseBody = body;
    started(code);
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    byte[] out = body;
    String enc = header("Accept-Encoding");
    if (body.length > GZIP_THRESHOLD && enc != null && enc.contains("gzip")) {
      out = gzip(body);
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
    if (method().equals("HEAD")) {
      response.write(true, null, callback);
    } else {
      response.write(true, ByteBuffer.wrap(out), callback);
    }
  }

  /** Starts a streamed response; each {@link #write} is sent at once. */
  public void startStream(int code, String contentType) {
    if (!claimed.compareAndSet(false, true)) {
      throw ApiException.timeout("the request timed out before its stream started");
    }
    started(code);
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, private");
  }

  public void write(byte[] chunk) throws IOException {
    Content.Sink.write(response, false, ByteBuffer.wrap(chunk));
  }

  /** Ends a streamed response. */
  public void endStream() {
    response.write(true, null, callback);
  }

  /** Fails the exchange without a response (the connection is gone). */
  public void abort(Throwable t) {
    callback.failed(t);
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(body.length / 4);
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bos.toByteArray();
  }
}

package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.kubelet.KubeletClient;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.streaming.HttpHead;
import io.k8j.streaming.Pumps;
import io.k8j.streaming.upgrade.Duplex;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}: checks the pod and
 * container, then dials the pod's kubelet (its node's address and {@code
 * daemonEndpoints.kubeletEndpoint}) with the API server's kubelet-client certificate, repeats the
 * upgrade request there and, once the kubelet switched protocols, passes the bytes through both
 * ways. The kubelet speaks the streaming protocols (WebSocket channels, SPDY, SPDY tunnelled in
 * WebSocket) itself. As upstream without {@code --kubelet-certificate-authority}, the kubelet's
 * serving certificate is not verified.
 */
public final class PodStreamProxy {
  private static final Logger log = LoggerFactory.getLogger(PodStreamProxy.class);
  private static final List<String> FORWARDED =
      List.of(
          "Upgrade",
          "Connection",
          "Sec-WebSocket-Key",
          "Sec-WebSocket-Version",
          "Sec-WebSocket-Protocol",
          "Sec-WebSocket-Extensions",
          "X-Stream-Protocol-Version");
  private static final List<String> ANSWERED =
      List.of("Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version");
  private static final int DIAL_TIMEOUT_MILLIS = 10_000;

  private final KubeletClient kubelets;

  public PodStreamProxy(KubeletClient kubelets) {
    this.kubelets = kubelets;
  }

  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name) {
    String sub = info.subresource();
    // The request was authorized with the verb of its method, as upstream 1.32 does: a SPDY POST
    // needs `create` on pods/exec (attach, portforward), the WebSocket upgrade kubectl opens with a
    // GET (KEP-4006, v5.channel.k8s.io, on by default since kubectl 1.30) needs `get`. A role that
    // grants only `create` still works with kubectl, which falls back to SPDY when the upgrade is
    // refused. Upstream makes the upgrade need `create` as well only from 1.35, behind the feature
    // gate AuthorizePodWebsocketUpgradeCreatePermission (kubernetes/website
    // feature-gates/AuthorizePodWebsocketUpgradeCreatePermission.md: beta and on from 1.35); k8j
    // serves 1.32, so no second check is made here.
    if (!info.verb().equals("get") && !info.verb().equals("create")) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    ObjectNode pod = r.store().get(ns, name);
    String kubeletPath;
    if (sub.equals("portforward")) {
      kubeletPath = "/portForward/" + ns + "/" + name;
    } else {
      String container = container(pod, ex.query("container"), name);
      String phase = pod.path("status").path("phase").asText("");
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        throw ApiException.badRequest(
            (sub.equals("exec")
                    ? "cannot exec into a container in a completed pod"
                    : "cannot attach to a container in a completed pod")
                + "; current phase is "
                + phase);
      }
      kubeletPath =
          "/"
              + sub
              + "/"
              + ns
              + "/"
              + name
              + "/"
              + URLEncoder.encode(container, StandardCharsets.UTF_8);
    }
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (nodeName.isEmpty()) {
      throw ApiException.badRequest("pod " + name + " does not have a host assigned");
    }
    java.net.URI kubelet = kubelets.base(nodeName);
    String host = kubelet.getHost();
    int port = kubelet.getPort();
    String query = ex.rawQuery() == null ? "" : ex.rawQuery();
    proxy(
        ex,
        host,
        port,
        kubeletPath + (query.isEmpty() ? "" : "?" + query),
        sub + " " + ns + "/" + name);
  }

  /** The container asked for, or the default one; 400 when the pod has no such container. */
  static String container(JsonNode pod, String asked, String podName) {
    List<String> names = new ArrayList<>();
    for (String field : List.of("containers", "initContainers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(field)) {
        names.add(c.path("name").asText());
      }
    }
    if (asked == null || asked.isEmpty()) {
      String annotated =
          pod.path("metadata")
              .path("annotations")
              .path("kubectl.kubernetes.io/default-container")
              .asText("");
      if (!annotated.isEmpty()) {
        return annotated;
      }
      JsonNode containers = pod.path("spec").path("containers");
      if (containers.size() == 1) {
        return containers.get(0).path("name").asText();
      }
      List<String> main = new ArrayList<>();
      containers.forEach(c -> main.add(c.path("name").asText()));
      throw ApiException.badRequest(
          "a container name must be specified for pod " + podName + ", choose one of: " + main);
    }
    if (!names.contains(asked)) {
      throw ApiException.badRequest("container " + asked + " is not valid for pod " + podName);
    }
    return asked;
  }

  private void proxy(HttpExchange ex, String host, int port, String path, String what) {
    SSLSocket socket;
    InputStream in;
    OutputStream out;
    HttpHead head;
    try {
      socket = (SSLSocket) kubelets.tls().getSocketFactory().createSocket();
      socket.connect(new InetSocketAddress(host, port), DIAL_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      StringBuilder req = new StringBuilder();
      req.append(ex.method()).append(' ').append(path).append(" HTTP/1.1\r\n");
      req.append("Host: ").append(host).append(':').append(port).append("\r\n");
      for (String h : FORWARDED) {
        for (String v : ex.headers(h)) {
          req.append(h).append(": ").append(v).append("\r\n");
        }
      }
      if (ex.method().equals("POST")) {
        req.append("Content-Length: 0\r\n");
      }
      req.append("\r\n");
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      in = new BufferedInputStream(socket.getInputStream());
      head = HttpHead.read(in);
    } catch (IOException e) {
      log.info("{}: cannot reach the kubelet at {}:{}: {}", what, host, port, e.getMessage());
      throw new ApiException(
          500, "InternalError", "error dialing backend: " + e.getMessage(), null);
    }
    int status = head.status();
    if (status != 101) {
      String body = readBody(in, head);
      close(socket);
      log.info("{}: the kubelet refused the upgrade: {} {}", what, status, body);
      // passed through as it came, as upstream's upgrade-aware proxy does: kubectl prints it after
      // "unable to upgrade connection: "
      String type = head.header("Content-Type");
      ex.send(
          status,
          type == null ? "text/plain; charset=utf-8" : type,
          (body.isEmpty() ? "the kubelet answered " + status : body)
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("Connection", "Upgrade");
    answer.put("Upgrade", head.header("Upgrade") == null ? "" : head.header("Upgrade"));
    for (String h : ANSWERED) {
      String v = head.header(h);
      if (v != null) {
        answer.put(h, v);
      }
    }
    final InputStream fromKubelet = in;
    final OutputStream toKubelet = out;
    log.info("{}: streaming through the kubelet at {}:{}", what, host, port);
    boolean switched =
        ex.switchProtocols(answer, client -> pump(client, socket, fromKubelet, toKubelet));
    if (!switched) {
      close(socket);
      throw ApiException.badRequest("Upgrade request required");
    }
  }

  private static void pump(
      Duplex client, SSLSocket socket, InputStream fromKubelet, OutputStream toKubelet) {
    Thread up =
        Thread.ofVirtual()
            .name("stream-proxy-up")
            .start(
                () -> {
                  Pumps.copy(client.input(), toKubelet);
                  close(socket);
                });
    Pumps.copy(fromKubelet, client.output());
    client.close();
    close(socket);
    up.interrupt();
  }

  private static String readBody(InputStream in, HttpHead head) {
    try {
      String len = head.header("Content-Length");
      byte[] body =
          len != null
              ? in.readNBytes(Math.min(64 * 1024, Integer.parseInt(len)))
              : in.readNBytes(64 * 1024);
      return new String(body, StandardCharsets.UTF_8).strip();
    } catch (IOException | NumberFormatException e) {
      return "";
    }
  }

  private static void close(SSLSocket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closed already
    }
  }
}

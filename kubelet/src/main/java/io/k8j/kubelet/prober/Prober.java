package io.k8j.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.k8j.cri.v1.ExecSyncResponse;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs one probe (or a lifecycle hook's action) once: exec through the runtime, httpGet, tcpSocket
 * and grpc from the node to the pod's address, with the probe's timeout and upstream's failure
 * messages.
 */
public final class Prober {
  private static final int MAX_BODY = 10 * 1024;

  private final ContainerRuntime runtime;

  public Prober(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * The HTTP client of every prober in this JVM, made at the first httpGet probe: each JDK client
   * keeps a selector thread, and a JVM running hundreds of (simulated) kubelets had one per node.
   */
  private static final class Http {
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .sslContext(insecure())
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public ProbeOutcome probe(Pod pod, Container c, String containerId, Probe probe, String podIp) {
    if (runtime.simulated()) {
      return ProbeOutcome.success("");
    }
    Duration timeout =
        Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
    if (probe.getExec() != null) {
      return exec(containerId, probe.getExec().getCommand(), timeout);
    }
    if (probe.getHttpGet() != null) {
      return httpGet(probe.getHttpGet(), c, podIp, timeout);
    }
    if (probe.getTcpSocket() != null) {
      String host = probe.getTcpSocket().getHost();
      return tcp(
          host == null || host.isEmpty() ? podIp : host,
          port(probe.getTcpSocket().getPort(), c),
          timeout);
    }
    if (probe.getGrpc() != null) {
      return GrpcHealth.check(
          podIp, probe.getGrpc().getPort(), probe.getGrpc().getService(), timeout);
    }
    return ProbeOutcome.failure("missing probe handler");
  }

  public ProbeOutcome exec(String containerId, List<String> cmd, Duration timeout) {
    try {
      ExecSyncResponse r = runtime.execSync(containerId, cmd, timeout);
      String out = r.getStdout().toStringUtf8() + r.getStderr().toStringUtf8();
      if (r.getExitCode() == 0) {
        return ProbeOutcome.success(out);
      }
      return ProbeOutcome.failure(
          out.isEmpty() ? "command " + quoted(cmd) + " exited with " + r.getExitCode() : out);
    } catch (RuntimeCallException e) {
      if (e.code() == RuntimeCallException.Code.DEADLINE_EXCEEDED
          || String.valueOf(e.getMessage()).contains("timeout")) {
        return ProbeOutcome.failure(
            "command " + quoted(cmd) + " timed out after " + timeout.toSeconds() + "s");
      }
      return ProbeOutcome.failure(e.getMessage());
    }
  }

  public ProbeOutcome httpGet(HTTPGetAction a, Container c, String podIp, Duration timeout) {
    String scheme = a.getScheme() == null ? "http" : a.getScheme().toLowerCase();
    String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
    int port = port(a.getPort(), c);
    String path = a.getPath() == null || a.getPath().isEmpty() ? "/" : a.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String url =
        scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
    boolean userAgent = false;
    if (a.getHttpHeaders() != null) {
      for (HTTPHeader h : a.getHttpHeaders()) {
        try {
          req.header(h.getName(), h.getValue());
          userAgent |= h.getName().equalsIgnoreCase("User-Agent");
        } catch (IllegalArgumentException restricted) {
          // the JDK client refuses a few headers (Host, Connection); upstream would send them
        }
      }
    }
    if (!userAgent) {
      req.header("User-Agent", "kube-probe/1.32");
    }
    req.header("Accept", "*/*");
    try {
      HttpResponse<byte[]> r =
          Http.CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = r.body();
      String text = new String(body, 0, Math.min(body.length, MAX_BODY), StandardCharsets.UTF_8);
      if (r.statusCode() >= 200 && r.statusCode() < 400) {
        return ProbeOutcome.success(text);
      }
      return ProbeOutcome.failure("HTTP probe failed with statuscode: " + r.statusCode());
    } catch (HttpTimeoutException e) {
      return ProbeOutcome.failure(
          "Get \""
              + url
              + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
    } catch (ConnectException e) {
      return ProbeOutcome.failure(
          "Get \"" + url + "\": dial tcp " + host + ":" + port + ": connect: connection refused");
    } catch (IOException e) {
      return ProbeOutcome.failure("Get \"" + url + "\": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeOutcome.failure("interrupted");
    }
  }

  public static ProbeOutcome tcp(String host, int port, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return ProbeOutcome.success("");
    } catch (SocketTimeoutException e) {
      return ProbeOutcome.failure("dial tcp " + host + ":" + port + ": i/o timeout");
    } catch (ConnectException e) {
      return ProbeOutcome.failure(
          "dial tcp " + host + ":" + port + ": connect: connection refused");
    } catch (IOException e) {
      return ProbeOutcome.failure("dial tcp " + host + ":" + port + ": " + e.getMessage());
    }
  }

  /** A numeric port, or a named one looked up in the container's ports. */
  static int port(IntOrString p, Container c) {
    if (p == null) {
      return 80;
    }
    if (p.getIntVal() != null) {
      return p.getIntVal();
    }
    String name = p.getStrVal();
    if (c != null && c.getPorts() != null) {
      for (ContainerPort cp : c.getPorts()) {
        if (name.equals(cp.getName())) {
          return cp.getContainerPort();
        }
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String quoted(List<String> cmd) {
    return "\"" + String.join(" ", cmd) + "\"";
  }

  private static SSLContext insecure() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

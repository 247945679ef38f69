package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.http.HttpExchange;
import io.k8j.apiserver.kubelet.KubeletClient;
import io.k8j.apiserver.registry.ResourceStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pods/log}: checks the pod and its container (upstream's {@code LogLocation}), then streams
 * the container's log from the kubelet of the pod's node ({@code /containerLogs}), each chunk
 * passed on as it comes. The stream ends when the kubelet ends it (the container stopped, the
 * options were met) or when the client goes away, which closes the kubelet's connection too. The
 * kubelet's refusals ("is waiting to start", "previous terminated container ... not found") come
 * back as a Status with the kubelet's code and message.
 */
public final class PodLogs {
  private static final Logger log = LoggerFactory.getLogger(PodLogs.class);
  private static final List<String> PASSED_ON =
      List.of(
          "follow",
          "previous",
          "tailLines",
          "sinceSeconds",
          "sinceTime",
          "timestamps",
          "limitBytes");

  private static final long CLIENT_PROBE_MILLIS = 1000;

  private final KubeletClient kubelets;

  public PodLogs(KubeletClient kubelets) {
    this.kubelets = kubelets;
  }

  public void serve(HttpExchange ex, ResourceStore pods, String ns, String name) {
    ObjectNode pod = pods.get(ns, name);
    String container = container(pod, name, ex.query("container"));
    String node = pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty()) {
      ex.startStream(200, "text/plain");
      ex.endStream();
      return;
    }
    StringBuilder path =
        new StringBuilder("/containerLogs/")
            .append(encode(ns))
            .append('/')
            .append(encode(name))
            .append('/')
            .append(encode(container));
    char sep = '?';
    for (String p : PASSED_ON) {
      String v = ex.query(p);
      if (v != null) {
        path.append(sep).append(p).append('=').append(encode(v));
        sep = '&';
      }
    }
    HttpResponse<InputStream> r = kubelets.open(node, path.toString());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        String msg = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
        throw refusal(r.statusCode(), msg);
      }
      boolean follow = ex.queryFlag("follow");
      Thread watchdog = null;
      if (follow) {
        ex.ignoreIdleTimeouts();
        log.info("following the log of {}/{} container {} on node {}", ns, name, container, node);
        watchdog = watchClient(ex, Thread.currentThread());
      }
      ex.startStream(200, "text/plain");
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          if (n > 0) {
            ex.write(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
          }
        }
      } finally {
        if (watchdog != null) {
          watchdog.interrupt();
          watchdog.join();
          Thread.interrupted();
        }
      }
      ex.endStream();
    } catch (IOException e) {
      // the client or the kubelet went away: closing the body above closed the other side
      ex.abort(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.abort(e);
    }
  }

  /**
   * While a followed log is idle, nothing is written to its client, so its going away would be
   * noticed only at the next line: this looks every second and, once the client is gone, interrupts
   * {@code reader}'s wait for the kubelet, whose connection is then closed (and the kubelet stops
   * following). Ends when interrupted.
   */
  private static Thread watchClient(HttpExchange ex, Thread reader) {
    return Thread.ofVirtual()
        .name("log-client-watch")
        .start(
            () -> {
              try {
                while (!ex.clientGone()) {
                  Thread.sleep(CLIENT_PROBE_MILLIS);
                }
                reader.interrupt();
              } catch (InterruptedException e) {
                // the stream ended first
              }
            });
  }

  private static ApiException refusal(int code, String msg) {
    return switch (code) {
      case 400 -> ApiException.badRequest(msg);
      case 404 -> new ApiException(404, "NotFound", msg, null);
      default -> new ApiException(code, "InternalError", msg, null);
    };
  }

  /** The container to read: the one named, or the pod's only one (upstream's messages if not). */
  static String container(ObjectNode pod, String podName, String asked) {
    List<String> containers = names(pod.path("spec").path("containers"));
    List<String> init = names(pod.path("spec").path("initContainers"));
    List<String> ephemeral = names(pod.path("spec").path("ephemeralContainers"));
    if (asked == null || asked.isEmpty()) {
      if (containers.size() == 1) {
        return containers.getFirst();
      }
      String msg =
          "a container name must be specified for pod "
              + podName
              + ", choose one of: "
              + list(containers);
      if (!init.isEmpty()) {
        msg += " or one of the init containers: " + list(init);
      }
      if (!ephemeral.isEmpty()) {
        msg += " or one of the ephemeral containers: " + list(ephemeral);
      }
      throw ApiException.badRequest(msg);
    }
    if (!containers.contains(asked) && !init.contains(asked) && !ephemeral.contains(asked)) {
      throw ApiException.badRequest("container " + asked + " is not valid for pod " + podName);
    }
    return asked;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : array) {
      out.add(c.path("name").asText());
    }
    return out;
  }

  private static String list(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

package io.k8j.kubelet.prober;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.k8j.common.Clock;
import io.k8j.kubelet.runtime.simulated.SimulatedRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProberTest {
  /** A JVM running hundreds of simulated kubelets had one HTTP client thread per node. */
  @Test
  void probersOfManyKubeletsStartNoThreadEach() {
    long before = selectorThreads();
    List<Prober> probers = new ArrayList<>();
    try (SimulatedRuntime runtime = new SimulatedRuntime(Clock.SYSTEM, "10.77.0.0/24")) {
      for (int i = 0; i < 50; i++) {
        probers.add(new Prober(runtime));
      }
    }
    assertThat(probers).hasSize(50);
    assertThat(selectorThreads() - before).isLessThan(50);
  }

  @Test
  void anHttpGetProbeSucceedsOnA200AndFailsWithTheStatusOtherwise() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/healthz") ? 200 : 500, 2);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try (SimulatedRuntime runtime = new SimulatedRuntime(Clock.SYSTEM, "10.77.1.0/24")) {
      Prober prober = new Prober(runtime);
      int port = server.getAddress().getPort();
      ProbeOutcome healthy =
          prober.httpGet(
              new HTTPGetActionBuilder()
                  .withPath("/healthz")
                  .withPort(new IntOrString(port))
                  .build(),
              null,
              "127.0.0.1",
              Duration.ofSeconds(30));
      ProbeOutcome failing =
          prober.httpGet(
              new HTTPGetActionBuilder()
                  .withPath("/broken")
                  .withPort(new IntOrString(port))
                  .build(),
              null,
              "127.0.0.1",
              Duration.ofSeconds(30));
      assertThat(healthy.success()).isTrue();
      assertThat(healthy.output()).isEqualTo("ok");
      assertThat(failing.success()).isFalse();
      assertThat(failing.output()).isEqualTo("HTTP probe failed with statuscode: 500");
    } finally {
      server.stop(0);
    }
  }

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("SelectorManager"))
        .count();
  }
}

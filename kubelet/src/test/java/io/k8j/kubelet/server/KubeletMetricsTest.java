package io.k8j.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.streaming.OpenSessions;
import io.k8j.streaming.upgrade.Duplex;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KubeletMetricsTest {
  private final OpenSessions exec = new OpenSessions();
  private final OpenSessions portForward = new OpenSessions();
  private final KubeletMetrics metrics =
      new KubeletMetrics(
          () -> 2, () -> 3, () -> 1, Map.of("exec", exec, "portForward", portForward), () -> 7);

  @Test
  void aSessionCountsFromItsStartUntilItsConnectionIsReleased() {
    NullDuplex connection = new NullDuplex();
    String[] during = new String[1];
    exec.counting((protocol, d) -> during[0] = metrics.text()).run("v5.channel.k8s.io", connection);

    assertThat(during[0])
        .contains("# TYPE kubelet_streaming_sessions gauge\n")
        .contains("kubelet_streaming_sessions{kind=\"exec\"} 1\n")
        .contains("kubelet_streaming_sessions{kind=\"portForward\"} 0\n");
    assertThat(metrics.text()).contains("kubelet_streaming_sessions{kind=\"exec\"} 0\n");
    assertThat(connection.closed).isTrue();
  }

  @Test
  void aSessionThatFailsIsReleasedToo() {
    NullDuplex connection = new NullDuplex();
    try {
      portForward
          .counting(
              (protocol, d) -> {
                throw new IllegalStateException("broken");
              })
          .run("portforward.k8s.io", connection);
    } catch (IllegalStateException expected) {
      // the session's own failure
    }
    assertThat(portForward.count()).isZero();
    assertThat(connection.closed).isTrue();
    assertThat(metrics.text())
        .contains("kubelet_container_log_followers 1\n")
        .contains("kubelet_running_pods 2\n");
  }

  /** A connection that carries nothing and remembers being closed. */
  private static final class NullDuplex implements Duplex {
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public InputStream input() {
      return InputStream.nullInputStream();
    }

    @Override
    public OutputStream output() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}

package io.k8j.proxy.userspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.Clock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP splice on loopback: bulk data both ways, half closes, endpoints that refuse. */
class TcpListenerTest {
  final EventLoop loop = new EventLoop("test-loop");
  final EventLoop loop2 = new EventLoop("test-loop-2");
  final RoundRobin endpoints = new RoundRobin(Clock.SYSTEM);
  ServerSocket backend;
  TcpListener listener;

  @AfterEach
  void close() throws IOException {
    if (listener != null) {
      listener.close();
    }
    if (backend != null) {
      backend.close();
    }
    loop.close();
    loop2.close();
  }

  /** A backend that echoes everything until the client's end of stream, then says "bye". */
  void echoBackend() throws IOException {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!backend.isClosed()) {
                try {
                  Socket s = backend.accept();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                              s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException e) {
                              // client gone
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  void listen(List<InetSocketAddress> eps) throws IOException {
    listen(eps, List.of(loop));
  }

  void listen(List<InetSocketAddress> eps, List<EventLoop> loops) throws IOException {
    endpoints.update(eps, false, Duration.ZERO);
    listener =
        TcpListener.open(
            new InetSocketAddress("127.0.0.1", 0), endpoints, loops, Duration.ofSeconds(2));
  }

  /** Sends {@code data}, half-closes, and returns all the proxy passed back until its end. */
  byte[] roundTrip(byte[] data) throws IOException, InterruptedException {
    try (Socket s = new Socket()) {
      s.connect(listener.address(), 30_000);
      s.setSoTimeout(30_000);
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = s.getOutputStream();
                      out.write(data);
                      s.shutdownOutput();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      s.getInputStream().transferTo(got);
      writer.join();
      return got.toByteArray();
    }
  }

  @Test
  void bulkDataBothWaysAndTheHalfCloseGetThrough() throws Exception {
    echoBackend();
    listen(List.of((InetSocketAddress) backend.getLocalSocketAddress()));
    byte[] data = new byte[4 * 1024 * 1024];
    new Random(1).nextBytes(data);
    byte[] all = roundTrip(data);
    assertThat(all.length).isEqualTo(data.length + 3);
    assertThat(Arrays.copyOf(all, data.length)).isEqualTo(data);
    assertThat(new String(all, data.length, 3, StandardCharsets.US_ASCII)).isEqualTo("bye");
  }

  @Test
  void manyConcurrentConnectionsOverTwoLoopsEachGetTheirOwnBytesBack() throws Exception {
    echoBackend();
    listen(List.of((InetSocketAddress) backend.getLocalSocketAddress()), List.of(loop, loop2));
    int clients = 48;
    List<Thread> threads = new ArrayList<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    for (int c = 0; c < clients; c++) {
      byte[] data = new byte[64 * 1024 + c];
      new Random(c).nextBytes(data);
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      byte[] all = roundTrip(data);
                      byte[] want = Arrays.copyOf(data, data.length + 3);
                      System.arraycopy(
                          "bye".getBytes(StandardCharsets.US_ASCII), 0, want, data.length, 3);
                      if (!Arrays.equals(all, want)) {
                        failures.add("client " + client + " got " + all.length + " bytes");
                      }
                    } catch (IOException | RuntimeException e) {
                      failures.add("client " + client + ": " + e);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void bulkDataThroughTwoLoopsKeepsItsOrder() throws Exception {
    echoBackend();
    listen(List.of((InetSocketAddress) backend.getLocalSocketAddress()), List.of(loop, loop2));
    for (int i = 0; i < 4; i++) {
      byte[] data = new byte[2 * 1024 * 1024];
      new Random(100 + i).nextBytes(data);
      byte[] all = roundTrip(data);
      assertThat(all.length).isEqualTo(data.length + 3);
      assertThat(Arrays.copyOf(all, data.length)).isEqualTo(data);
    }
  }

  @Test
  void anEndpointThatRefusesIsSkippedForTheNext() throws Exception {
    echoBackend();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    listen(
        List.of(
            new InetSocketAddress("127.0.0.1", closedPort),
            (InetSocketAddress) backend.getLocalSocketAddress()));
    for (int i = 0; i < 4; i++) {
      try (Socket s = new Socket()) {
        s.connect(listener.address(), 30_000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
            .isEqualTo("hibye");
      }
    }
  }

  @Test
  void withoutEndpointsAConnectionIsClosedAtOnce() throws Exception {
    listen(List.of());
    try (Socket s = new Socket()) {
      s.connect(listener.address(), 30_000);
      s.setSoTimeout(30_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void closingTheListenerEndsItsConnections() throws Exception {
    echoBackend();
    listen(List.of((InetSocketAddress) backend.getLocalSocketAddress()));
    try (Socket s = new Socket()) {
      s.connect(listener.address(), 30_000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo('x');
      listener.close();
      listener = null;
      int r;
      try {
        r = s.getInputStream().read();
      } catch (IOException e) {
        r = -1;
      }
      assertThat(r).isEqualTo(-1);
    }
  }
}

package io.k8j.proxy.userspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  static final InetSocketAddress A = new InetSocketAddress("10.42.0.1", 80);
  static final InetSocketAddress B = new InetSocketAddress("10.42.0.2", 80);
  static final InetSocketAddress C = new InetSocketAddress("10.42.0.3", 80);
  final FakeClock clock = new FakeClock();
  final RoundRobin rr = new RoundRobin(clock);

  static InetAddress client(int n) throws Exception {
    return InetAddress.getByName("192.0.2." + n);
  }

  @Test
  void takesTheEndpointsInTurn() throws Exception {
    rr.update(List.of(A, B, C), false, Duration.ZERO);
    List<InetSocketAddress> got = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      got.add(rr.next(client(1)));
    }
    assertThat(got).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void noEndpointsNoChoice() throws Exception {
    assertThat(rr.next(client(1))).isNull();
    rr.update(List.of(A), false, Duration.ZERO);
    rr.update(List.of(), false, Duration.ZERO);
    assertThat(rr.next(client(1))).isNull();
  }

  @Test
  void clientIpAffinityKeepsAClientOnItsEndpointUntilTheTimeout() throws Exception {
    rr.update(List.of(A, B), true, Duration.ofSeconds(10));
    assertThat(rr.next(client(1))).isEqualTo(A);
    assertThat(rr.next(client(2))).isEqualTo(B);
    clock.advance(Duration.ofSeconds(9));
    assertThat(rr.next(client(1))).isEqualTo(A);
    assertThat(rr.next(client(1))).isEqualTo(A);
    clock.advance(Duration.ofSeconds(11));
    assertThat(rr.next(client(1))).as("timed out: next in turn").isEqualTo(A);
    assertThat(rr.next(client(2))).isEqualTo(B);
    assertThat(rr.next(client(3))).isEqualTo(A);
  }

  @Test
  void affinityToARemovedEndpointIsForgotten() throws Exception {
    rr.update(List.of(A, B), true, Duration.ofSeconds(10));
    assertThat(rr.next(client(1))).isEqualTo(A);
    rr.update(List.of(B, C), true, Duration.ofSeconds(10));
    assertThat(rr.next(client(1))).isIn(B, C);
  }

  @Test
  void aFailedClientPicksAfresh() throws Exception {
    rr.update(List.of(A, B), true, Duration.ofSeconds(10));
    assertThat(rr.next(client(1))).isEqualTo(A);
    rr.failed(client(1));
    assertThat(rr.next(client(1))).isEqualTo(B);
  }
}

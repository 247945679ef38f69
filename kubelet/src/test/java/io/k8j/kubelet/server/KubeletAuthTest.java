package io.k8j.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeletAuthTest {
  /** Reviews answered from a table, counting how often the API server was asked. */
  static final class FakeReviews implements KubeletAuth.Reviews {
    final Map<String, KubeletAuth.Caller> tokens;
    final List<String> allowed = new ArrayList<>();
    int tokenReviews;
    int accessReviews;
    boolean down;

    FakeReviews(Map<String, KubeletAuth.Caller> tokens) {
      this.tokens = tokens;
    }

    @Override
    public KubeletAuth.Caller tokenReview(String token) {
      tokenReviews++;
      if (down) {
        throw new IllegalStateException("connection refused");
      }
      return tokens.get(token);
    }

    @Override
    public boolean subjectAccessReview(KubeletAuth.Caller caller, KubeletRequestAttributes a) {
      accessReviews++;
      if (down) {
        throw new IllegalStateException("connection refused");
      }
      return allowed.contains(caller.name() + " " + a.verb() + " nodes/" + a.subresource());
    }
  }

  final FakeClock clock = new FakeClock();
  final KubeletAuth.Caller alice = new KubeletAuth.Caller("alice", List.of("system:authenticated"));
  final FakeReviews reviews = new FakeReviews(Map.of("t-alice", alice));
  final KubeletAuth auth = new KubeletAuth("node-1", reviews, clock);

  @Test
  void mapsPathsToUpstreamsNodeSubresources() {
    record Case(String method, String path, String verb, String subresource) {}
    for (Case c :
        List.of(
            new Case("GET", "/stats/summary", "get", "stats"),
            new Case("GET", "/stats", "get", "stats"),
            new Case("GET", "/metrics/resource", "get", "metrics"),
            new Case("GET", "/metrics", "get", "metrics"),
            new Case("GET", "/logs/syslog", "get", "log"),
            new Case("GET", "/spec/", "get", "spec"),
            new Case("GET", "/pods", "get", "proxy"),
            new Case("GET", "/statsx", "get", "proxy"),
            new Case("GET", "/containerLogs/ns/pod/c", "get", "proxy"),
            new Case("POST", "/exec/ns/pod/c", "create", "proxy"),
            new Case("GET", "/exec/ns/pod/c", "get", "proxy"),
            new Case("POST", "/portForward/ns/pod", "create", "proxy"),
            new Case("PUT", "/run/ns/pod/c", "update", "proxy"))) {
      KubeletRequestAttributes a = KubeletRequestAttributes.of("node-1", c.method(), c.path());
      assertThat(a.verb()).as(c.path()).isEqualTo(c.verb());
      assertThat(a.subresource()).as(c.path()).isEqualTo(c.subresource());
      assertThat(a.node()).isEqualTo("node-1");
    }
  }

  @Test
  void withoutCredentialsOrWithAnUnknownTokenIsUnauthorized() {
    assertThat(auth.decide(null, null, "GET", "/pods").code()).isEqualTo(401);
    assertThat(auth.decide(null, "Basic YTpi", "GET", "/pods").code()).isEqualTo(401);
    KubeletAuth.Decision d = auth.decide(null, "Bearer nope", "GET", "/pods");
    assertThat(d.code()).isEqualTo(401);
    assertThat(d.message()).isEqualTo("Unauthorized");
  }

  @Test
  void aKnownTokenWithoutTheRightIsForbiddenWithUpstreamsMessage() {
    KubeletAuth.Decision d = auth.decide(null, "Bearer t-alice", "POST", "/exec/ns/p/c");
    assertThat(d.allowed()).isFalse();
    assertThat(d.code()).isEqualTo(403);
    assertThat(d.message())
        .isEqualTo("Forbidden (user=alice, verb=create, resource=nodes, subresource=proxy)");
  }

  @Test
  void aKnownTokenWithTheRightIsServedAsItsUser() {
    reviews.allowed.add("alice get nodes/stats");
    KubeletAuth.Decision d = auth.decide(null, "Bearer t-alice", "GET", "/stats/summary");
    assertThat(d.allowed()).isTrue();
    assertThat(d.caller()).isEqualTo(alice);
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/metrics").code()).isEqualTo(403);
  }

  @Test
  void decisionsAndTokensAreCachedForUpstreamsTimes() {
    reviews.allowed.add("alice get nodes/proxy");
    for (int i = 0; i < 3; i++) {
      assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").allowed()).isTrue();
    }
    assertThat(reviews.tokenReviews).isEqualTo(1);
    assertThat(reviews.accessReviews).isEqualTo(1);
    reviews.allowed.clear();
    clock.advance(KubeletAuth.TOKEN_TTL.plusSeconds(1));
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").allowed()).isTrue();
    assertThat(reviews.tokenReviews).isEqualTo(2);
    clock.advance(KubeletAuth.ALLOWED_TTL);
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").code()).isEqualTo(403);
    reviews.allowed.add("alice get nodes/proxy");
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").code()).isEqualTo(403);
    clock.advance(KubeletAuth.DENIED_TTL.plus(Duration.ofSeconds(1)));
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").allowed()).isTrue();
  }

  @Test
  void anApiServerThatCannotBeAskedRefusesTheRequest() {
    reviews.down = true;
    assertThat(auth.decide(null, "Bearer t-alice", "GET", "/pods").code()).isEqualTo(401);
    reviews.down = false;
    auth.decide(null, "Bearer t-alice", "GET", "/pods");
    reviews.down = true;
    clock.advance(KubeletAuth.DENIED_TTL.plusSeconds(1));
    KubeletAuth.Decision d = auth.decide(null, "Bearer t-alice", "GET", "/pods");
    assertThat(d.code()).isEqualTo(500);
    assertThat(d.message())
        .isEqualTo("Authorization error (user=alice, verb=get, resource=nodes, subresource=proxy)");
  }
}

package io.k8j.testing.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdClusterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void threeMembersElectANewLeaderWhenTheLeaderIsKilledAndTheKilledOneRejoins() {
    try (EtcdCluster etcd =
        EtcdCluster.builder()
            .members(3)
            .heartbeatInterval(Duration.ofMillis(50))
            .electionTimeout(Duration.ofMillis(500))
            .start()) {
      assertThat(etcd.clientEndpoints())
          .hasSize(3)
          .allMatch(e -> e.startsWith("http://127.0.0.1:"));
      EtcdMember leader = etcd.awaitLeader(TIMEOUT);
      long pid = leader.pid();

      leader.kill();

      assertThat(ProcessHandle.of(pid)).isEmpty();
      EtcdMember next = etcd.awaitLeader(TIMEOUT);
      assertThat(next).isNotSameAs(leader);
      leader.start();
      etcd.awaitHealthy(TIMEOUT);
      assertThat(etcd.members()).allMatch(EtcdMember::isHealthy);
    }
  }

  @Test
  void closeLeavesNoProcessBehind() {
    List<Long> pids;
    try (EtcdCluster etcd = EtcdCluster.start(1)) {
      assertThat(etcd.member(0).isHealthy()).isTrue();
      assertThat(etcd.awaitLeader(TIMEOUT)).isSameAs(etcd.member(0));
      pids = etcd.members().stream().map(EtcdMember::pid).toList();
    }
    assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).isEmpty());
  }
}

package io.k8j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8j.proxy.exec.CommandResult;
import io.k8j.proxy.exec.CommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceProxyTest {
  static final ProxyOptions OPTIONS = ProxyOptions.defaults("node-a", List.of("192.0.2.10"));

  static CommandRunner exitingWith(int code) {
    return (argv, stdin) -> new CommandResult(argv, code, "", code == 0 ? "" : "permission denied");
  }

  @Test
  void anExplicitModeIsKept() {
    assertThat(ServiceProxy.resolveMode(OPTIONS.withMode(ProxyMode.USERSPACE), exitingWith(0)))
        .isEqualTo(ProxyMode.USERSPACE);
    assertThat(ServiceProxy.resolveMode(OPTIONS.withMode(ProxyMode.IPTABLES), exitingWith(1)))
        .isEqualTo(ProxyMode.IPTABLES);
  }

  @Test
  void autoFallsBackToUserspaceWhenIptablesDoesNotWork() {
    assertThat(ServiceProxy.resolveMode(OPTIONS, exitingWith(1))).isEqualTo(ProxyMode.USERSPACE);
    assertThat(
            ServiceProxy.resolveMode(
                OPTIONS,
                (argv, stdin) -> {
                  throw new java.io.IOException("iptables: not found");
                }))
        .isEqualTo(ProxyMode.USERSPACE);
  }

  @Test
  void autoChoosesIptablesForRootWhenItWorks() {
    assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"));
    assertThat(ServiceProxy.resolveMode(OPTIONS, exitingWith(0))).isEqualTo(ProxyMode.IPTABLES);
  }

  @Test
  void modesParseAsTheFlagsSpellThem() {
    assertThat(ProxyMode.parse("iptables")).isEqualTo(ProxyMode.IPTABLES);
    assertThat(ProxyMode.parse(" Userspace ")).isEqualTo(ProxyMode.USERSPACE);
    assertThat(ProxyMode.AUTO.toString()).isEqualTo("auto");
    assertThatThrownBy(() -> ProxyMode.parse("ipvs")).hasMessageContaining("unknown proxy mode");
  }
}

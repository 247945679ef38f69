package io.k8j.proxy.iptables;

import io.k8j.proxy.exec.CommandRunner;
import io.k8j.proxy.model.Proxier;
import io.k8j.proxy.model.ProxyState;
import io.k8j.proxy.model.SyncSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes services with iptables rules, as upstream kube-proxy's iptables mode. A sync writes one
 * {@code iptables-restore --noflush} batch: the top-level chains always, per-service chains only
 * for the Services that changed since the last successful sync (all of them in a full sync). Full
 * syncs also list the kernel's chains to delete stale ones and make sure the built-in chains jump
 * to ours. {@link #close} removes every rule and chain it created.
 */
public final class IptablesProxier implements Proxier {
  private static final Logger LOG = LoggerFactory.getLogger(IptablesProxier.class);

  /** A rule in a built-in chain that sends traffic into one of ours. */
  private record Jump(String table, String from, String to, List<String> rule) {
    static Jump of(String table, String from, String to, String comment, boolean newOnly) {
      List<String> rule = new ArrayList<>();
      if (newOnly) {
        rule.addAll(List.of("-m", "conntrack", "--ctstate", "NEW"));
      }
      if (comment != null) {
        rule.addAll(List.of("-m", "comment", "--comment", comment));
      }
      rule.addAll(List.of("-j", to));
      return new Jump(table, from, to, List.copyOf(rule));
    }
  }

  private static final List<Jump> JUMPS =
      List.of(
          Jump.of(
              "filter",
              "INPUT",
              ChainNames.EXTERNAL_SERVICES,
              "kubernetes externally-visible service portals",
              true),
          Jump.of(
              "filter",
              "FORWARD",
              ChainNames.EXTERNAL_SERVICES,
              "kubernetes externally-visible service portals",
              true),
          Jump.of(
              "filter",
              "INPUT",
              ChainNames.NODE_PORTS,
              "kubernetes health check service ports",
              false),
          Jump.of("filter", "FORWARD", ChainNames.SERVICES, "kubernetes service portals", true),
          Jump.of("filter", "OUTPUT", ChainNames.SERVICES, "kubernetes service portals", true),
          Jump.of("filter", "FORWARD", ChainNames.FORWARD, "kubernetes forwarding rules", false),
          Jump.of(
              "filter",
              "INPUT",
              ChainNames.PROXY_FIREWALL,
              "kubernetes load balancer firewall",
              true),
          Jump.of(
              "filter",
              "OUTPUT",
              ChainNames.PROXY_FIREWALL,
              "kubernetes load balancer firewall",
              true),
          Jump.of(
              "filter",
              "FORWARD",
              ChainNames.PROXY_FIREWALL,
              "kubernetes load balancer firewall",
              true),
          Jump.of("nat", "OUTPUT", ChainNames.SERVICES, "kubernetes service portals", false),
          Jump.of("nat", "PREROUTING", ChainNames.SERVICES, "kubernetes service portals", false),
          Jump.of(
              "nat", "POSTROUTING", ChainNames.POSTROUTING, "kubernetes postrouting rules", false));

  private static final List<Jump> LOCALNET_JUMPS =
      List.of(
          Jump.of("filter", "INPUT", ChainNames.FIREWALL, null, false),
          Jump.of("filter", "OUTPUT", ChainNames.FIREWALL, null, false));

  private final Iptables iptables;
  private final IptablesConfig cfg;
  private ProxyState applied = ProxyState.EMPTY;
  private Set<String> activeChains = Set.of();
  private boolean sysctlsSet;

  public IptablesProxier(CommandRunner runner, String iptablesCommand, IptablesConfig cfg) {
    this.iptables = new Iptables(runner, iptablesCommand);
    this.cfg = cfg;
  }

  /** True if {@code iptablesCommand} works through {@code runner} (root, netfilter present). */
  public static boolean usable(CommandRunner runner, String iptablesCommand) {
    return new Iptables(runner, iptablesCommand).works();
  }

  @Override
  public synchronized SyncSummary sync(ProxyState state, boolean full) throws IOException {
    if (full && cfg.localhostNodePorts() && !sysctlsSet) {
      iptables.sysctl("net.ipv4.conf.all.route_localnet", "1");
      sysctlsSet = true;
    }
    Set<String> changed = state.changedServices(applied);
    Set<String> existing = new HashSet<>(activeChains);
    if (full) {
      existing.addAll(iptables.chains("nat"));
    }
    IptablesRules.Output out =
        IptablesRules.write(cfg, state, full ? key -> true : changed::contains, existing);
    iptables.restore(out.restoreText());
    if (full) {
      for (Jump j : jumps()) {
        iptables.ensureRule(j.table(), j.from(), j.rule());
      }
    }
    applied = state;
    activeChains = out.activeNatChains();
    return new SyncSummary(
        state.services().size(),
        state.endpointCount(),
        full ? state.changedServices(ProxyState.EMPTY).size() : changed.size(),
        full,
        String.format(
            "filter %d rules, nat %d rules, %d stale chains deleted",
            out.filterRules(), out.natRules(), out.deletedChains()));
  }

  private List<Jump> jumps() {
    List<Jump> all = new ArrayList<>(JUMPS);
    if (cfg.localhostNodePorts()) {
      all.addAll(LOCALNET_JUMPS);
    }
    return all;
  }

  /** Deletes the jumps from the built-in chains, then every chain this proxier writes. */
  @Override
  public synchronized void close() {
    try {
      for (Jump j : jumps()) {
        iptables.deleteRule(j.table(), j.from(), j.rule());
      }
      StringBuilder text = new StringBuilder();
      Set<String> filterOwn =
          new HashSet<>(
              List.of(
                  ChainNames.SERVICES,
                  ChainNames.EXTERNAL_SERVICES,
                  ChainNames.FORWARD,
                  ChainNames.NODE_PORTS,
                  ChainNames.PROXY_FIREWALL));
      if (cfg.localhostNodePorts()) {
        filterOwn.add(ChainNames.FIREWALL);
      }
      appendDeletes(text, "filter", iptables.chains("filter"), filterOwn::contains);
      Set<String> natOwn =
          Set.of(
              ChainNames.SERVICES,
              ChainNames.NODE_PORTS,
              ChainNames.POSTROUTING,
              ChainNames.MARK_MASQ);
      appendDeletes(
          text,
          "nat",
          iptables.chains("nat"),
          c -> natOwn.contains(c) || ChainNames.isServiceChain(c));
      iptables.restore(text.toString());
      applied = ProxyState.EMPTY;
      activeChains = Set.of();
    } catch (IOException e) {
      LOG.warn("removing the service proxy's iptables rules failed: {}", e.getMessage());
    }
  }

  private static void appendDeletes(
      StringBuilder text,
      String table,
      Set<String> existing,
      java.util.function.Predicate<String> ours) {
    List<String> chains = existing.stream().filter(ours).toList();
    text.append('*').append(table).append('\n');
    for (String c : chains) {
      text.append(':').append(c).append(" - [0:0]\n");
    }
    for (String c : chains) {
      text.append("-X ").append(c).append('\n');
    }
    text.append("COMMIT\n");
  }
}

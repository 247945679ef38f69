package io.k8j.proxy.iptables;

import static io.k8j.proxy.iptables.ChainNames.EXTERNAL_SERVICES;
import static io.k8j.proxy.iptables.ChainNames.FIREWALL;
import static io.k8j.proxy.iptables.ChainNames.FORWARD;
import static io.k8j.proxy.iptables.ChainNames.MARK_MASQ;
import static io.k8j.proxy.iptables.ChainNames.NODE_PORTS;
import static io.k8j.proxy.iptables.ChainNames.POSTROUTING;
import static io.k8j.proxy.iptables.ChainNames.PROXY_FIREWALL;
import static io.k8j.proxy.iptables.ChainNames.SERVICES;

import io.k8j.proxy.model.Endpoint;
import io.k8j.proxy.model.EndpointCategories;
import io.k8j.proxy.model.ProxyState;
import io.k8j.proxy.model.ServicePortInfo;
import io.k8j.proxy.model.ServicePortName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The {@code iptables-restore} input of one sync, rule for rule as upstream kube-proxy's iptables
 * proxier writes it: the top-level chains in full every time, each service port's KUBE-SVC /
 * KUBE-SVL / KUBE-EXT / KUBE-FW / KUBE-SEP chains only for the Services being rewritten, and a
 * flush-and-delete of each per-service chain that no longer has a use.
 */
final class IptablesRules {
  private static final String NODEPORTS_COMMENT =
      "kubernetes service nodeports; NOTE: this must be the last rule in this chain";

  /**
   * @param restoreText the input for {@code iptables-restore --noflush}
   * @param activeNatChains every per-service chain the state needs, written or not
   */
  record Output(
      String restoreText,
      Set<String> activeNatChains,
      int filterRules,
      int natRules,
      int deletedChains) {}

  private final IptablesConfig cfg;
  private final LineBuffer filterChains = LineBuffer.create();
  private final LineBuffer filterRules = LineBuffer.create();
  private final LineBuffer natChains = LineBuffer.create();
  private final LineBuffer natRules = LineBuffer.create();
  private final Set<String> activeNatChains = new TreeSet<>();

  private IptablesRules(IptablesConfig cfg) {
    this.cfg = cfg;
  }

  /**
   * Writes the rules for {@code state}.
   *
   * @param rewrite which Services (by {@code namespace/name}) get their own chains written
   * @param existingNatChains per-service chains that may exist in the kernel; those the state does
   *     not need are deleted
   */
  static Output write(
      IptablesConfig cfg,
      ProxyState state,
      Predicate<String> rewrite,
      Set<String> existingNatChains) {
    return new IptablesRules(cfg).writeAll(state, rewrite, existingNatChains);
  }

  private Output writeAll(ProxyState state, Predicate<String> rewrite, Set<String> existing) {
    for (String c : List.of(SERVICES, EXTERNAL_SERVICES, FORWARD, NODE_PORTS, PROXY_FIREWALL)) {
      filterChains.write(":" + c, "-", "[0:0]");
    }
    for (String c : List.of(SERVICES, NODE_PORTS, POSTROUTING, MARK_MASQ)) {
      natChains.write(":" + c, "-", "[0:0]");
    }
    String mark = cfg.masqueradeMark();
    natRules.write(
        "-A", POSTROUTING, "-m", "mark", "!", "--mark", mark + "/" + mark, "-j", "RETURN");
    natRules.write("-A", POSTROUTING, "-j", "MARK", "--xor-mark", mark);
    List<String> masq =
        new ArrayList<>(
            List.of(
                "-A",
                POSTROUTING,
                "-m",
                "comment",
                "--comment",
                "kubernetes service traffic requiring SNAT",
                "-j",
                "MASQUERADE"));
    if (cfg.randomFully()) {
      masq.add("--random-fully");
    }
    natRules.write(masq);
    natRules.write("-A", MARK_MASQ, "-j", "MARK", "--or-mark", mark);
    if (cfg.localhostNodePorts()) {
      filterChains.write(":" + FIREWALL, "-", "[0:0]");
      filterRules.write(
          "-A",
          FIREWALL,
          "-m",
          "comment",
          "--comment",
          "block incoming localnet connections",
          "-d",
          "127.0.0.0/8",
          "!",
          "-s",
          "127.0.0.0/8",
          "-m",
          "conntrack",
          "!",
          "--ctstate",
          "RELATED,ESTABLISHED,DNAT",
          "-j",
          "DROP");
    }

    for (ServicePortInfo svc : state.services().values()) {
      boolean write = rewrite.test(svc.name().serviceKey());
      servicePort(svc, state.endpoints(svc.name()), write);
    }

    int deleted = 0;
    for (String chain : existing) {
      if (ChainNames.isServiceChain(chain) && !activeNatChains.contains(chain)) {
        natChains.write(":" + chain, "-", "[0:0]");
        natRules.write("-X", chain);
        deleted++;
      }
    }

    List<String> destinations = new ArrayList<>(List.of("-m", "addrtype", "--dst-type", "LOCAL"));
    if (!cfg.localhostNodePorts()) {
      destinations.addAll(List.of("!", "-d", "127.0.0.0/8"));
    }
    natRules.write(
        "-A",
        SERVICES,
        "-m",
        "comment",
        "--comment",
        NODEPORTS_COMMENT,
        destinations,
        "-j",
        NODE_PORTS);

    if (cfg.dropInvalid()) {
      filterRules.write("-A", FORWARD, "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
    }
    filterRules.write(
        "-A",
        FORWARD,
        "-m",
        "comment",
        "--comment",
        "kubernetes forwarding rules",
        "-m",
        "mark",
        "--mark",
        mark + "/" + mark,
        "-j",
        "ACCEPT");
    filterRules.write(
        "-A",
        FORWARD,
        "-m",
        "comment",
        "--comment",
        "kubernetes forwarding conntrack rule",
        "-m",
        "conntrack",
        "--ctstate",
        "RELATED,ESTABLISHED",
        "-j",
        "ACCEPT");

    String text =
        "*filter\n"
            + filterChains
            + filterRules
            + "COMMIT\n"
            + "*nat\n"
            + natChains
            + natRules
            + "COMMIT\n";
    return new Output(
        text, Set.copyOf(activeNatChains), filterRules.lines(), natRules.lines(), deleted);
  }

  private void servicePort(ServicePortInfo svc, List<Endpoint> endpoints, boolean write) {
    ServicePortName name = svc.name();
    String proto = name.protocolLower();
    String port = Integer.toString(svc.port());
    EndpointCategories cat = EndpointCategories.of(svc, endpoints);

    String clusterPolicyChain = ChainNames.cluster(name);
    boolean usesClusterPolicyChain = !cat.cluster().isEmpty() && svc.usesClusterEndpoints();
    String localPolicyChain = ChainNames.local(name);
    boolean usesLocalPolicyChain = !cat.local().isEmpty() && svc.usesLocalEndpoints();

    String internalChain = clusterPolicyChain;
    boolean hasInternalEndpoints = cat.hasAny();
    if (svc.internalPolicyLocal()) {
      internalChain = localPolicyChain;
      hasInternalEndpoints = !cat.local().isEmpty();
    }
    String externalPolicyChain = clusterPolicyChain;
    boolean hasExternalEndpoints = cat.hasAny();
    if (svc.externalPolicyLocal()) {
      externalPolicyChain = localPolicyChain;
      hasExternalEndpoints = !cat.local().isEmpty();
    }
    String externalChain = ChainNames.external(name);
    boolean usesExternalChain = cat.hasAny() && svc.externallyAccessible();
    String fwChain = ChainNames.firewall(name);
    boolean usesFwChain =
        cat.hasAny()
            && !svc.loadBalancerIps().isEmpty()
            && !svc.loadBalancerSourceRanges().isEmpty();
    String loadBalancerChain = usesFwChain ? fwChain : externalChain;

    String internalFilterTarget = null;
    String internalFilterComment = null;
    String externalFilterTarget = null;
    String externalFilterComment = null;
    if (!cat.hasAny()) {
      internalFilterTarget = "REJECT";
      internalFilterComment = name + " has no endpoints";
      externalFilterTarget = "REJECT";
      externalFilterComment = internalFilterComment;
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = "DROP";
        internalFilterComment = name + " has no local endpoints";
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = "DROP";
        externalFilterComment = name + " has no local endpoints";
      }
    }

    // Capture the cluster IP.
    if (hasInternalEndpoints) {
      natRules.write(
          "-A",
          SERVICES,
          "-m",
          "comment",
          "--comment",
          name + " cluster IP",
          "-m",
          proto,
          "-p",
          proto,
          "-d",
          svc.clusterIp(),
          "--dport",
          port,
          "-j",
          internalChain);
    } else {
      filterRules.write(
          "-A",
          SERVICES,
          "-m",
          "comment",
          "--comment",
          internalFilterComment,
          "-m",
          proto,
          "-p",
          proto,
          "-d",
          svc.clusterIp(),
          "--dport",
          port,
          "-j",
          internalFilterTarget);
    }
    // Capture external IPs.
    for (String ip : svc.externalIps()) {
      if (cat.hasAny()) {
        natRules.write(
            "-A",
            SERVICES,
            "-m",
            "comment",
            "--comment",
            name + " external IP",
            "-m",
            proto,
            "-p",
            proto,
            "-d",
            ip,
            "--dport",
            port,
            "-j",
            externalChain);
      }
      if (!hasExternalEndpoints) {
        filterRules.write(
            "-A",
            EXTERNAL_SERVICES,
            "-m",
            "comment",
            "--comment",
            externalFilterComment,
            "-m",
            proto,
            "-p",
            proto,
            "-d",
            ip,
            "--dport",
            port,
            "-j",
            externalFilterTarget);
      }
    }
    // Capture load-balancer ingress.
    for (String ip : svc.loadBalancerIps()) {
      if (cat.hasAny()) {
        natRules.write(
            "-A",
            SERVICES,
            "-m",
            "comment",
            "--comment",
            name + " loadbalancer IP",
            "-m",
            proto,
            "-p",
            proto,
            "-d",
            ip,
            "--dport",
            port,
            "-j",
            loadBalancerChain);
      }
      if (usesFwChain) {
        filterRules.write(
            "-A",
            PROXY_FIREWALL,
            "-m",
            "comment",
            "--comment",
            name + " traffic not accepted by " + fwChain,
            "-m",
            proto,
            "-p",
            proto,
            "-d",
            ip,
            "--dport",
            port,
            "-j",
            "DROP");
      }
    }
    if (!hasExternalEndpoints) {
      for (String ip : svc.loadBalancerIps()) {
        filterRules.write(
            "-A",
            EXTERNAL_SERVICES,
            "-m",
            "comment",
            "--comment",
            externalFilterComment,
            "-m",
            proto,
            "-p",
            proto,
            "-d",
            ip,
            "--dport",
            port,
            "-j",
            externalFilterTarget);
      }
    }
    // Capture node ports.
    if (svc.nodePort() != 0) {
      String nodePort = Integer.toString(svc.nodePort());
      if (cat.hasAny()) {
        natRules.write(
            "-A",
            NODE_PORTS,
            "-m",
            "comment",
            "--comment",
            name.toString(),
            "-m",
            proto,
            "-p",
            proto,
            "--dport",
            nodePort,
            "-j",
            externalChain);
      }
      if (!hasExternalEndpoints) {
        filterRules.write(
            "-A",
            EXTERNAL_SERVICES,
            "-m",
            "comment",
            "--comment",
            externalFilterComment,
            "-m",
            "addrtype",
            "--dst-type",
            "LOCAL",
            "-m",
            proto,
            "-p",
            proto,
            "--dport",
            nodePort,
            "-j",
            externalFilterTarget);
      }
    }

    // The per-service chains: written only for Services being rewritten, but always counted as
    // active so that they are not deleted.
    LineBuffer chains = write ? natChains : LineBuffer.discarding();
    LineBuffer rules = write ? natRules : LineBuffer.discarding();

    if (hasInternalEndpoints) {
      List<String> match =
          List.of(
              "-m",
              "comment",
              "--comment",
              name + " cluster IP",
              "-m",
              proto,
              "-p",
              proto,
              "-d",
              svc.clusterIp(),
              "--dport",
              port);
      if (cfg.masqueradeAll()) {
        rules.write("-A", internalChain, match, "-j", MARK_MASQ);
      } else if (cfg.clusterCidr() != null) {
        // Masquerade off-cluster traffic to a cluster IP: its replies may leave through
        // another node.
        rules.write("-A", internalChain, match, "!", "-s", cfg.clusterCidr(), "-j", MARK_MASQ);
      }
    }

    if (usesExternalChain) {
      chain(chains, externalChain);
      if (!svc.externalPolicyLocal()) {
        rules.write(
            "-A",
            externalChain,
            "-m",
            "comment",
            "--comment",
            "masquerade traffic for " + name + " external destinations",
            "-j",
            MARK_MASQ);
      } else {
        if (cfg.clusterCidr() != null) {
          // Pods reaching an external address of a Service are not subject to its traffic
          // policy, as if they had gone out to a load balancer and back in.
          rules.write(
              "-A",
              externalChain,
              "-m",
              "comment",
              "--comment",
              "pod traffic for " + name + " external destinations",
              "-s",
              cfg.clusterCidr(),
              "-j",
              clusterPolicyChain);
        }
        rules.write(
            "-A",
            externalChain,
            "-m",
            "comment",
            "--comment",
            "masquerade LOCAL traffic for " + name + " external destinations",
            "-m",
            "addrtype",
            "--src-type",
            "LOCAL",
            "-j",
            MARK_MASQ);
        rules.write(
            "-A",
            externalChain,
            "-m",
            "comment",
            "--comment",
            "route LOCAL traffic for " + name + " external destinations",
            "-m",
            "addrtype",
            "--src-type",
            "LOCAL",
            "-j",
            clusterPolicyChain);
      }
      if (hasExternalEndpoints) {
        rules.write("-A", externalChain, "-j", externalPolicyChain);
      }
    }

    if (usesFwChain) {
      chain(chains, fwChain);
      List<String> head =
          List.of("-A", fwChain, "-m", "comment", "--comment", name + " loadbalancer IP");
      for (String cidr : svc.loadBalancerSourceRanges()) {
        rules.write(head, "-s", cidr, "-j", externalChain);
      }
      rules.write(
          "-A",
          fwChain,
          "-m",
          "comment",
          "--comment",
          "other traffic to " + name + " will be dropped by KUBE-PROXY-FIREWALL");
    }

    if (usesClusterPolicyChain) {
      chain(chains, clusterPolicyChain);
      serviceToEndpoints(rules, svc, clusterPolicyChain, cat.cluster());
    }
    if (usesLocalPolicyChain) {
      chain(chains, localPolicyChain);
      serviceToEndpoints(rules, svc, localPolicyChain, cat.local());
    }

    for (Endpoint ep : cat.allReachable()) {
      String epChain = ChainNames.endpoint(name, ep);
      chain(chains, epChain);
      List<String> head = List.of("-A", epChain, "-m", "comment", "--comment", name.toString());
      rules.write(head, "-s", ep.ip(), "-j", MARK_MASQ);
      List<String> affinity =
          svc.clientIpAffinity() ? List.of("-m", "recent", "--name", epChain, "--set") : List.of();
      rules.write(head, affinity, "-m", proto, "-p", proto, "-j", "DNAT", "--to-destination", ep);
    }
  }

  private void serviceToEndpoints(
      LineBuffer rules, ServicePortInfo svc, String svcChain, List<Endpoint> endpoints) {
    ServicePortName name = svc.name();
    if (svc.clientIpAffinity()) {
      for (Endpoint ep : endpoints) {
        String epChain = ChainNames.endpoint(name, ep);
        rules.write(
            "-A",
            svcChain,
            "-m",
            "comment",
            "--comment",
            name + " -> " + ep,
            "-m",
            "recent",
            "--name",
            epChain,
            "--rcheck",
            "--seconds",
            Integer.toString(svc.stickyMaxAgeSeconds()),
            "--reap",
            "-j",
            epChain);
      }
    }
    int n = endpoints.size();
    for (int i = 0; i < n; i++) {
      Endpoint ep = endpoints.get(i);
      List<String> head = List.of("-A", svcChain, "-m", "comment", "--comment", name + " -> " + ep);
      if (i < n - 1) {
        rules.write(
            head,
            "-m",
            "statistic",
            "--mode",
            "random",
            "--probability",
            probability(n - i),
            "-j",
            ChainNames.endpoint(name, ep));
      } else {
        rules.write(head, "-j", ChainNames.endpoint(name, ep));
      }
    }
  }

  private void chain(LineBuffer chains, String chain) {
    chains.write(":" + chain, "-", "[0:0]");
    activeNatChains.add(chain);
  }

  /** 1/n with ten decimals, as upstream writes statistic probabilities. */
  static String probability(int n) {
    return String.format(Locale.ROOT, "%.10f", 1.0 / n);
  }
}

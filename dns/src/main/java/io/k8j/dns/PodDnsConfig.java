package io.k8j.dns;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's {@code /etc/resolv.conf}, computed as the kubelet computes it from the pod's {@code
 * dnsPolicy} and {@code dnsConfig}:
 *
 * <ul>
 *   <li>{@code ClusterFirst} (the default): the cluster DNS servers only, searching {@code
 *       <ns>.svc.<domain> svc.<domain> <domain>} then the node's search domains, {@code ndots:5}; a
 *       pod on the host network falls back to {@code Default};
 *   <li>{@code ClusterFirstWithHostNet}: as {@code ClusterFirst}, on the host network too;
 *   <li>{@code Default}: the node's resolver configuration;
 *   <li>{@code None}: nothing but the pod's {@code dnsConfig}.
 * </ul>
 *
 * Then {@code dnsConfig}'s nameservers and searches are appended (duplicates dropped) and its
 * options merged (the pod's value wins), and the result is cut to the limits glibc and the API
 * allow (3 nameservers, 32 search domains of at most 253 characters, 2048 characters in all), with
 * a warning for the kubelet to report as an event, as upstream's {@code DNSConfigForming}.
 */
public final class PodDnsConfig {
  static final int MAX_NAMESERVERS = 3;
  static final int MAX_SEARCHES = 32;
  static final int MAX_SEARCH_CHARS = 2048;
  static final int MAX_DOMAIN_LENGTH = 253;

  /** An event the kubelet should record on the pod: {@code reason} as upstream's. */
  public record Warning(String reason, String message) {}

  /** A pod's resolver configuration and what went wrong computing it. */
  public record Result(ResolvConf resolvConf, List<Warning> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  private final List<String> clusterDns;
  private final String clusterDomain;
  private final ResolvConf node;

  /**
   * @param clusterDns the cluster DNS servers' IPs (the kubelet's {@code clusterDNS}); empty if
   *     there is no cluster DNS
   * @param clusterDomain the cluster domain, {@code cluster.local}
   * @param node the node's resolver configuration (the kubelet's {@code resolvConf}); null when the
   *     kubelet is told to use none, as {@code --resolv-conf=""}
   */
  public PodDnsConfig(List<String> clusterDns, String clusterDomain, ResolvConf node) {
    this.clusterDns = List.copyOf(clusterDns);
    this.clusterDomain = clusterDomain;
    this.node = node;
  }

  public Result forPod(Pod pod) {
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    String policy = spec.getDnsPolicy() == null ? "ClusterFirst" : spec.getDnsPolicy();
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    List<Warning> warnings = new ArrayList<>();
    ResolvConf base = node == null ? ResolvConf.EMPTY : node;
    List<String> servers = new ArrayList<>(base.nameservers());
    List<String> searches = new ArrayList<>(base.searches());
    List<String> options = new ArrayList<>(base.options());

    boolean cluster =
        policy.equals("ClusterFirstWithHostNet") || policy.equals("ClusterFirst") && !hostNetwork;
    if (policy.equals("None")) {
      servers.clear();
      searches.clear();
      options.clear();
    } else if (cluster && !clusterDns.isEmpty()) {
      servers = new ArrayList<>(clusterDns);
      List<String> clusterSearches = new ArrayList<>();
      if (clusterDomain != null && !clusterDomain.isEmpty()) {
        String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
        clusterSearches.add(
            (ns == null || ns.isEmpty() ? "default" : ns) + ".svc." + clusterDomain);
        clusterSearches.add("svc." + clusterDomain);
        clusterSearches.add(clusterDomain);
      }
      clusterSearches.addAll(searches);
      searches = distinct(clusterSearches);
      options = new ArrayList<>(List.of("ndots:5"));
    } else {
      if (cluster) {
        warnings.add(
            new Warning(
                "MissingClusterDNS",
                "kubelet does not have ClusterDNS IP configured and cannot create Pod using \""
                    + policy
                    + "\" policy. Falling back to \"Default\" policy."));
      }
      if (node == null) {
        servers = new ArrayList<>(List.of("127.0.0.1"));
        searches = new ArrayList<>(List.of("."));
      }
    }

    PodDNSConfig podConfig = spec.getDnsConfig();
    if (podConfig != null) {
      if (podConfig.getNameservers() != null) {
        servers.addAll(podConfig.getNameservers());
      }
      if (podConfig.getSearches() != null) {
        searches.addAll(podConfig.getSearches());
      }
      options = mergeOptions(options, podConfig.getOptions());
    }
    servers = distinct(servers);
    searches = distinct(searches);
    if (servers.size() > MAX_NAMESERVERS) {
      warnings.add(
          new Warning(
              "DNSConfigForming",
              "Nameserver limits were exceeded, some nameservers have been omitted, the applied"
                  + " nameserver line is: "
                  + String.join(" ", servers.subList(0, MAX_NAMESERVERS))));
      servers = servers.subList(0, MAX_NAMESERVERS);
    }
    searches = fitSearches(searches, warnings);
    return new Result(new ResolvConf(servers, searches, options), warnings);
  }

  private static List<String> fitSearches(List<String> searches, List<Warning> warnings) {
    boolean exceeded = false;
    List<String> fit = new ArrayList<>(searches);
    if (fit.size() > MAX_SEARCHES) {
      fit = new ArrayList<>(fit.subList(0, MAX_SEARCHES));
      exceeded = true;
    }
    if (fit.removeIf(s -> s.length() > MAX_DOMAIN_LENGTH)) {
      exceeded = true;
    }
    while (!fit.isEmpty() && String.join(" ", fit).length() > MAX_SEARCH_CHARS) {
      fit.remove(fit.size() - 1);
      exceeded = true;
    }
    if (exceeded) {
      warnings.add(
          new Warning(
              "DNSConfigForming",
              "Search Line limits were exceeded, some search paths have been omitted, the applied"
                  + " search line is: "
                  + String.join(" ", fit)));
    }
    return fit;
  }

  private static List<String> mergeOptions(
      List<String> existing, List<PodDNSConfigOption> podOptions) {
    Map<String, String> merged = new LinkedHashMap<>();
    for (String o : existing) {
      int colon = o.indexOf(':');
      merged.put(colon < 0 ? o : o.substring(0, colon), colon < 0 ? "" : o.substring(colon + 1));
    }
    if (podOptions != null) {
      for (PodDNSConfigOption o : podOptions) {
        merged.put(o.getName(), o.getValue() == null ? "" : o.getValue());
      }
    }
    List<String> out = new ArrayList<>();
    merged.forEach((name, value) -> out.add(value.isEmpty() ? name : name + ":" + value));
    return out;
  }

  private static List<String> distinct(List<String> values) {
    return new ArrayList<>(new LinkedHashSet<>(values));
  }
}

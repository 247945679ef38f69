package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.k8j.cri.v1.DNSConfig;
import io.k8j.cri.v1.LinuxPodSandboxConfig;
import io.k8j.cri.v1.LinuxSandboxSecurityContext;
import io.k8j.cri.v1.NamespaceMode;
import io.k8j.cri.v1.NamespaceOption;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxMetadata;
import io.k8j.cri.v1.PortMapping;
import io.k8j.cri.v1.Protocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a pod's {@link PodSandboxConfig}, as upstream's {@code generatePodSandboxConfig}. */
public final class SandboxConfigs {
  private final Path logRoot;
  private final String clusterDomain;
  private final List<String> clusterDns;

  /**
   * @param logRoot where pod log directories go ({@code <logRoot>/<ns>_<name>_<uid>})
   */
  public SandboxConfigs(Path logRoot, String clusterDomain, List<String> clusterDns) {
    this.logRoot = logRoot;
    this.clusterDomain = clusterDomain;
    this.clusterDns = clusterDns;
  }

  public Path logDirectory(Pod pod) {
    return logRoot.resolve(
        pod.getMetadata().getNamespace()
            + "_"
            + pod.getMetadata().getName()
            + "_"
            + pod.getMetadata().getUid());
  }

  public PodSandboxConfig build(Pod pod, int attempt) {
    PodSpec spec = pod.getSpec();
    PodSandboxConfig.Builder b =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder()
                    .setName(pod.getMetadata().getName())
                    .setNamespace(pod.getMetadata().getNamespace())
                    .setUid(pod.getMetadata().getUid())
                    .setAttempt(attempt))
            .setLogDirectory(logDirectory(pod).toString())
            .putAllLabels(Labels.sandboxLabels(pod));
    if (pod.getMetadata().getAnnotations() != null) {
      b.putAllAnnotations(pod.getMetadata().getAnnotations());
    }
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    if (!hostNetwork) {
      b.setHostname(hostname(pod));
    }
    DNSConfig dns = dns(pod);
    if (dns != null) {
      b.setDnsConfig(dns);
    }
    for (Container c : spec.getContainers()) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          b.addPortMappings(
              PortMapping.newBuilder()
                  .setContainerPort(p.getContainerPort())
                  .setHostPort(p.getHostPort())
                  .setHostIp(p.getHostIP() == null ? "" : p.getHostIP())
                  .setProtocol(protocol(p.getProtocol())));
        }
      }
    }
    NamespaceOption.Builder ns =
        NamespaceOption.newBuilder()
            .setNetwork(hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD)
            .setPid(
                Boolean.TRUE.equals(spec.getHostPID())
                    ? NamespaceMode.NODE
                    : NamespaceMode.CONTAINER)
            .setIpc(
                Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD);
    if (Boolean.TRUE.equals(spec.getShareProcessNamespace())) {
      ns.setPid(NamespaceMode.POD);
    }
    LinuxPodSandboxConfig.Builder linux =
        LinuxPodSandboxConfig.newBuilder()
            .setCgroupParent(Qos.cgroupParent(pod))
            .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns));
    if (spec.getSecurityContext() != null && spec.getSecurityContext().getSysctls() != null) {
      spec.getSecurityContext()
          .getSysctls()
          .forEach(s -> linux.putSysctls(s.getName(), s.getValue()));
    }
    b.setLinux(linux);
    return b.build();
  }

  /** The pod's hostname: spec.hostname or the pod name, at most 63 characters. */
  public static String hostname(Pod pod) {
    String h = pod.getSpec().getHostname();
    if (h == null || h.isEmpty()) {
      h = pod.getMetadata().getName();
    }
    if (h.length() > 63) {
      h = h.substring(0, 63);
      while (h.endsWith("-") || h.endsWith(".")) {
        h = h.substring(0, h.length() - 1);
      }
    }
    return h;
  }

  private DNSConfig dns(Pod pod) {
    PodSpec spec = pod.getSpec();
    String policy = spec.getDnsPolicy() == null ? "ClusterFirst" : spec.getDnsPolicy();
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    DNSConfig.Builder d = DNSConfig.newBuilder();
    boolean cluster =
        !clusterDns.isEmpty()
            && (policy.equals("ClusterFirst") && !hostNetwork
                || policy.equals("ClusterFirstWithHostNet"));
    if (policy.equals("None")) {
      cluster = false;
    } else if (cluster) {
      String ns = pod.getMetadata().getNamespace();
      d.addAllServers(clusterDns);
      d.addSearches(ns + ".svc." + clusterDomain);
      d.addSearches("svc." + clusterDomain);
      d.addSearches(clusterDomain);
      d.addOptions("ndots:5");
    } else if (spec.getDnsConfig() == null) {
      return null;
    }
    PodDNSConfig extra = spec.getDnsConfig();
    if (extra != null) {
      if (extra.getNameservers() != null) {
        d.addAllServers(extra.getNameservers());
      }
      if (extra.getSearches() != null) {
        d.addAllSearches(extra.getSearches());
      }
      if (extra.getOptions() != null) {
        List<String> opts = new ArrayList<>();
        for (PodDNSConfigOption o : extra.getOptions()) {
          opts.add(o.getValue() == null ? o.getName() : o.getName() + ":" + o.getValue());
        }
        d.addAllOptions(opts);
      }
    }
    return d.build();
  }

  private static Protocol protocol(String p) {
    if (p == null) {
      return Protocol.TCP;
    }
    return switch (p) {
      case "UDP" -> Protocol.UDP;
      case "SCTP" -> Protocol.SCTP;
      default -> Protocol.TCP;
    };
  }
}

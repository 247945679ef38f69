package io.k8j.kubelet.kuberuntime;

import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.PodIP;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxStatus;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.util.ArrayList;
import java.util.List;

/** Reads a pod's {@link PodRuntimeState} from the runtime (upstream's {@code GetPodStatus}). */
public final class RuntimeStateReader {
  private final ContainerRuntime runtime;

  public RuntimeStateReader(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  public PodRuntimeState read(String podUid) {
    List<PodSandbox> sandboxes =
        runtime.listPodSandbox(
            PodSandboxFilter.newBuilder().putLabelSelector(Labels.POD_UID, podUid).build());
    List<PodRuntimeState.Sandbox> sb = new ArrayList<>();
    PodSandbox newest = null;
    for (PodSandbox s : sandboxes) {
      if (newest == null || s.getCreatedAt() > newest.getCreatedAt()) {
        newest = s;
      }
    }
    for (PodSandbox s : sandboxes) {
      List<String> ips = List.of();
      if (s == newest) {
        try {
          PodSandboxStatus st = runtime.podSandboxStatus(s.getId()).getStatus();
          ips = ips(st);
        } catch (RuntimeCallException e) {
          if (!e.notFound()) {
            throw e;
          }
          continue;
        }
      }
      sb.add(
          new PodRuntimeState.Sandbox(
              s.getId(), s.getState(), s.getCreatedAt(), s.getMetadata().getAttempt(), ips));
    }
    List<PodRuntimeState.Instance> containers = new ArrayList<>();
    for (Container c :
        runtime.listContainers(
            ContainerFilter.newBuilder().putLabelSelector(Labels.POD_UID, podUid).build())) {
      try {
        containers.add(
            new PodRuntimeState.Instance(
                c.getPodSandboxId(), runtime.containerStatus(c.getId()).getStatus()));
      } catch (RuntimeCallException e) {
        if (!e.notFound()) {
          throw e;
        }
      }
    }
    return new PodRuntimeState(podUid, sb, containers);
  }

  static List<String> ips(PodSandboxStatus st) {
    List<String> ips = new ArrayList<>();
    if (st.hasNetwork() && !st.getNetwork().getIp().isEmpty()) {
      ips.add(st.getNetwork().getIp());
      for (PodIP ip : st.getNetwork().getAdditionalIpsList()) {
        ips.add(ip.getIp());
      }
    }
    return ips;
  }
}

package io.k8j.kubelet.kuberuntime;

import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStatus;
import io.k8j.cri.v1.PodIP;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxState;
import io.k8j.cri.v1.PodSandboxStatus;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a pod's {@link PodRuntimeState} from the runtime (upstream's {@code GetPodStatus}): its
 * sandboxes and containers listed, the newest sandbox's addresses and each container's status. What
 * cannot change is remembered instead of asked again at every sync: a sandbox's addresses, and the
 * status of a container that is running or exited, as long as the listing shows it in the same
 * state. It also remembers the {@linkplain #fingerprint fingerprint} of each pod's last read, so
 * that the PLEG need not wake a pod worker for a change that worker has read already.
 */
public final class RuntimeStateReader {
  private final ContainerRuntime runtime;

  /** Ready sandboxes' addresses, by sandbox ID. */
  private final Map<String, List<String>> sandboxIps = new ConcurrentHashMap<>();

  /** Running and exited containers' statuses, by container ID. */
  private final Map<String, ContainerStatus> settled = new ConcurrentHashMap<>();

  /** The sandbox and container IDs of each pod at its last read. */
  private final Map<String, Set<String>> idsByPod = new ConcurrentHashMap<>();

  /** The fingerprint of each pod's sandboxes and containers at its last read. */
  private final Map<String, String> lastRead = new ConcurrentHashMap<>();

  public RuntimeStateReader(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  /** The addresses of a sandbox just created and ready, so that the next read need not ask. */
  public void remember(String sandboxId, List<String> ips) {
    sandboxIps.put(sandboxId, List.copyOf(ips));
  }

  /**
   * The identity and state of a pod's sandboxes and containers as listed: two listings of the same
   * pod have the same fingerprint exactly when no sandbox or container came, went or changed state.
   */
  public static String fingerprint(
      Collection<PodSandbox> sandboxes, Collection<Container> containers) {
    TreeMap<String, String> m = new TreeMap<>();
    sandboxes.forEach(s -> m.put("s" + s.getId(), s.getState().name()));
    containers.forEach(c -> m.put("c" + c.getId(), c.getState().name()));
    return m.toString();
  }

  /**
   * The fingerprint of the pod's sandboxes and containers at its last read; null when it was never
   * read or had nothing in the runtime then.
   */
  public String lastRead(String podUid) {
    return lastRead.get(podUid);
  }

  public PodRuntimeState read(String podUid) {
    List<PodSandbox> sandboxes =
        runtime.listPodSandbox(
            PodSandboxFilter.newBuilder().putLabelSelector(Labels.POD_UID, podUid).build());
    List<Container> listed =
        runtime.listContainers(
            ContainerFilter.newBuilder().putLabelSelector(Labels.POD_UID, podUid).build());
    List<PodRuntimeState.Sandbox> sb = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    PodSandbox newest = null;
    for (PodSandbox s : sandboxes) {
      if (newest == null || s.getCreatedAt() > newest.getCreatedAt()) {
        newest = s;
      }
    }
    for (PodSandbox s : sandboxes) {
      List<String> ips = List.of();
      ids.add(s.getId());
      if (s == newest) {
        List<String> known =
            s.getState() == PodSandboxState.SANDBOX_READY ? sandboxIps.get(s.getId()) : null;
        if (known != null) {
          ips = known;
        } else {
          try {
            PodSandboxStatus st = runtime.podSandboxStatus(s.getId()).getStatus();
            ips = ips(st);
          } catch (RuntimeCallException e) {
            if (!e.notFound()) {
              throw e;
            }
            continue;
          }
          if (s.getState() == PodSandboxState.SANDBOX_READY) {
            sandboxIps.put(s.getId(), ips);
          }
        }
      }
      sb.add(
          new PodRuntimeState.Sandbox(
              s.getId(), s.getState(), s.getCreatedAt(), s.getMetadata().getAttempt(), ips));
    }
    List<PodRuntimeState.Instance> containers = new ArrayList<>();
    for (Container c : listed) {
      ids.add(c.getId());
      ContainerStatus known = settled.get(c.getId());
      if (known != null && known.getState() == c.getState()) {
        containers.add(new PodRuntimeState.Instance(c.getPodSandboxId(), known));
        continue;
      }
      try {
        ContainerStatus st = runtime.containerStatus(c.getId()).getStatus();
        if (st.getState() == ContainerState.CONTAINER_RUNNING
            || st.getState() == ContainerState.CONTAINER_EXITED) {
          settled.put(c.getId(), st);
        }
        containers.add(new PodRuntimeState.Instance(c.getPodSandboxId(), st));
      } catch (RuntimeCallException e) {
        if (!e.notFound()) {
          throw e;
        }
      }
    }
    forgetGone(podUid, ids);
    if (ids.isEmpty()) {
      lastRead.remove(podUid);
    } else {
      lastRead.put(podUid, fingerprint(sandboxes, listed));
    }
    return new PodRuntimeState(podUid, sb, containers);
  }

  /** Drops what was remembered of the pod's sandboxes and containers the runtime no longer has. */
  private void forgetGone(String podUid, Set<String> ids) {
    Set<String> before = ids.isEmpty() ? idsByPod.remove(podUid) : idsByPod.put(podUid, ids);
    if (before != null) {
      for (String id : before) {
        if (!ids.contains(id)) {
          sandboxIps.remove(id);
          settled.remove(id);
        }
      }
    }
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

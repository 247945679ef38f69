package io.k8j.kubelet.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.k8j.kubelet.prober.ContainerLookup;
import io.k8j.kubelet.util.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Probe workers' view of containers: the status the kubelet last generated for the pod. */
public final class StatusContainerLookup implements ContainerLookup {
  private final StatusManager statuses;

  public StatusContainerLookup(StatusManager statuses) {
    this.statuses = statuses;
  }

  @Override
  public Optional<Current> current(String podUid, String containerName) {
    Optional<PodStatus> s = statuses.get(podUid);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    List<ContainerStatus> all = new ArrayList<>();
    if (s.get().getContainerStatuses() != null) {
      all.addAll(s.get().getContainerStatuses());
    }
    if (s.get().getInitContainerStatuses() != null) {
      all.addAll(s.get().getInitContainerStatuses());
    }
    for (ContainerStatus c : all) {
      if (c.getName().equals(containerName) && c.getContainerID() != null) {
        String id = c.getContainerID();
        id = id.substring(id.indexOf("://") + 3);
        var running = c.getState() == null ? null : c.getState().getRunning();
        return Optional.of(
            new Current(
                id, running != null, running == null ? null : Times.parse(running.getStartedAt())));
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> podIp(String podUid) {
    return statuses.get(podUid).map(PodStatus::getPodIP).filter(ip -> !ip.isEmpty());
  }
}

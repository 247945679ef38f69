package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.k8j.cri.v1.LinuxContainerResources;

/** A container's requests and limits as cgroup settings, as upstream computes them. */
public final class ContainerResources {
  static final long QUOTA_PERIOD = 100_000;
  static final long MIN_SHARES = 2;
  static final long SHARES_PER_CPU = 1024;
  static final long MIN_QUOTA = 1000;

  private ContainerResources() {}

  public static LinuxContainerResources linux(Pod pod, Container c, long memoryCapacity) {
    LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
    Quantity cpuLimit = Qos.limits(c).get("cpu");
    Quantity cpuRequest = Qos.requests(c).getOrDefault("cpu", cpuLimit);
    r.setCpuShares(cpuShares(cpuRequest == null ? 0 : Qos.milliCpu(cpuRequest)));
    if (cpuLimit != null) {
      r.setCpuPeriod(QUOTA_PERIOD);
      r.setCpuQuota(Math.max(MIN_QUOTA, Qos.milliCpu(cpuLimit) * QUOTA_PERIOD / 1000));
    }
    Quantity memLimit = Qos.limits(c).get("memory");
    if (memLimit != null) {
      r.setMemoryLimitInBytes(Qos.bytes(memLimit));
    }
    Quantity memRequest = Qos.requests(c).getOrDefault("memory", memLimit);
    r.setOomScoreAdj(
        oomScoreAdj(Qos.of(pod), memRequest == null ? 0 : Qos.bytes(memRequest), memoryCapacity));
    return r.build();
  }

  static long cpuShares(long milliCpu) {
    if (milliCpu == 0) {
      return MIN_SHARES;
    }
    return Math.max(MIN_SHARES, milliCpu * SHARES_PER_CPU / 1000);
  }

  /** Upstream's {@code GetContainerOOMScoreAdjust}. */
  static long oomScoreAdj(String qos, long memoryRequest, long memoryCapacity) {
    return switch (qos) {
      case Qos.GUARANTEED -> -997;
      case Qos.BEST_EFFORT -> 1000;
      default -> {
        long adj = 1000 - (1000 * memoryRequest) / Math.max(1, memoryCapacity);
        yield Math.max(2, Math.min(999, adj));
      }
    };
  }
}

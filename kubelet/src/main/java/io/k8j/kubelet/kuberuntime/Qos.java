package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** QoS classes (Guaranteed, Burstable, BestEffort) and the quantities they are made of. */
public final class Qos {
  public static final String GUARANTEED = "Guaranteed";
  public static final String BURSTABLE = "Burstable";
  public static final String BEST_EFFORT = "BestEffort";

  private Qos() {}

  /** The pod's QoS class, computed from its containers as upstream's {@code GetPodQOS}. */
  public static String of(Pod pod) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : all) {
      Map<String, Quantity> req = requests(c);
      Map<String, Quantity> lim = limits(c);
      if (!req.isEmpty() || !lim.isEmpty()) {
        any = true;
      }
      for (String r : List.of("cpu", "memory")) {
        Quantity l = lim.get(r);
        Quantity q = req.getOrDefault(r, l);
        if (l == null || q == null || amount(l).compareTo(amount(q)) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return BEST_EFFORT;
    }
    return guaranteed ? GUARANTEED : BURSTABLE;
  }

  public static Map<String, Quantity> requests(Container c) {
    ResourceRequirements r = c.getResources();
    return r == null || r.getRequests() == null ? Map.of() : r.getRequests();
  }

  public static Map<String, Quantity> limits(Container c) {
    ResourceRequirements r = c.getResources();
    return r == null || r.getLimits() == null ? Map.of() : r.getLimits();
  }

  public static BigDecimal amount(Quantity q) {
    return Quantity.getAmountInBytes(q);
  }

  /** Milli-CPUs of a quantity ({@code 100m} is 100, {@code 1} is 1000). */
  public static long milliCpu(Quantity q) {
    return amount(q).movePointRight(3).setScale(0, java.math.RoundingMode.UP).longValueExact();
  }

  public static long bytes(Quantity q) {
    return amount(q).setScale(0, java.math.RoundingMode.UP).longValueExact();
  }

  /** The cgroup parent of the pod's sandbox, as upstream lays them out with cgroupfs. */
  public static String cgroupParent(Pod pod) {
    String uid = pod.getMetadata().getUid();
    return switch (of(pod)) {
      case GUARANTEED -> "/kubepods/pod" + uid;
      case BURSTABLE -> "/kubepods/burstable/pod" + uid;
      default -> "/kubepods/besteffort/pod" + uid;
    };
  }
}

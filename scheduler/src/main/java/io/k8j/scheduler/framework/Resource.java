package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * A vector of resources in scheduler units: CPU in millicores, memory and ephemeral storage in
 * bytes, a pod count, and scalar resources (extended resources, hugepages) by name. Mutable; the
 * owner copies it before sharing.
 */
public final class Resource {
  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";

  /** What a container without a CPU request counts for in scoring, as upstream (100m). */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** What a container without a memory request counts for in scoring, as upstream (200 MiB). */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  private long milliCpu;
  private long memory;
  private long ephemeralStorage;
  private long allowedPodNumber;
  private Map<String, Long> scalar;

  public Resource() {}

  public Resource(long milliCpu, long memory) {
    this.milliCpu = milliCpu;
    this.memory = memory;
  }

  /** The resources in a Kubernetes resource list ({@code requests}, {@code allocatable}). */
  public static Resource of(Map<String, Quantity> list) {
    Resource r = new Resource();
    r.add(list);
    return r;
  }

  public void add(Map<String, Quantity> list) {
    if (list == null) {
      return;
    }
    for (Map.Entry<String, Quantity> e : list.entrySet()) {
      set(e.getKey(), get(e.getKey()) + amount(e.getKey(), e.getValue()));
    }
  }

  public void add(Resource o) {
    milliCpu += o.milliCpu;
    memory += o.memory;
    ephemeralStorage += o.ephemeralStorage;
    allowedPodNumber += o.allowedPodNumber;
    if (o.scalar != null) {
      o.scalar.forEach((k, v) -> scalarMap().merge(k, v, Long::sum));
    }
  }

  public void subtract(Resource o) {
    milliCpu -= o.milliCpu;
    memory -= o.memory;
    ephemeralStorage -= o.ephemeralStorage;
    allowedPodNumber -= o.allowedPodNumber;
    if (o.scalar != null) {
      o.scalar.forEach((k, v) -> scalarMap().merge(k, -v, Long::sum));
    }
  }

  /** Raises each dimension to at least the other's. */
  public void setMax(Resource o) {
    milliCpu = Math.max(milliCpu, o.milliCpu);
    memory = Math.max(memory, o.memory);
    ephemeralStorage = Math.max(ephemeralStorage, o.ephemeralStorage);
    allowedPodNumber = Math.max(allowedPodNumber, o.allowedPodNumber);
    if (o.scalar != null) {
      o.scalar.forEach((k, v) -> scalarMap().merge(k, v, Math::max));
    }
  }

  public long get(String name) {
    return switch (name) {
      case CPU -> milliCpu;
      case MEMORY -> memory;
      case EPHEMERAL_STORAGE -> ephemeralStorage;
      case PODS -> allowedPodNumber;
      default -> scalar == null ? 0 : scalar.getOrDefault(name, 0L);
    };
  }

  public void set(String name, long value) {
    switch (name) {
      case CPU -> milliCpu = value;
      case MEMORY -> memory = value;
      case EPHEMERAL_STORAGE -> ephemeralStorage = value;
      case PODS -> allowedPodNumber = value;
      default -> {
        if (isScalar(name)) {
          scalarMap().put(name, value);
        }
      }
    }
  }

  public long milliCpu() {
    return milliCpu;
  }

  public long memory() {
    return memory;
  }

  public long ephemeralStorage() {
    return ephemeralStorage;
  }

  public long allowedPodNumber() {
    return allowedPodNumber;
  }

  /** Scalar resources (extended resources, hugepages) by name; empty when there are none. */
  public Map<String, Long> scalar() {
    return scalar == null ? Map.of() : scalar;
  }

  public boolean isZero() {
    return milliCpu == 0
        && memory == 0
        && ephemeralStorage == 0
        && (scalar == null || scalar.values().stream().allMatch(v -> v == 0));
  }

  public Resource copy() {
    Resource r = new Resource();
    r.milliCpu = milliCpu;
    r.memory = memory;
    r.ephemeralStorage = ephemeralStorage;
    r.allowedPodNumber = allowedPodNumber;
    if (scalar != null) {
      r.scalar = new HashMap<>(scalar);
    }
    return r;
  }

  private Map<String, Long> scalarMap() {
    if (scalar == null) {
      scalar = new HashMap<>(4);
    }
    return scalar;
  }

  /**
   * Whether {@code name} is a scalar resource as upstream counts them: extended resources
   * (domain-prefixed), prefixed native resources and hugepages.
   */
  public static boolean isScalar(String name) {
    return name.startsWith("hugepages-") || name.contains("/");
  }

  /**
   * Whether {@code name} is an extended resource (domain-prefixed outside kubernetes.io), which
   * NodeResourcesFit may be told to ignore.
   */
  public static boolean isExtended(String name) {
    return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
  }

  /** A quantity in the unit the scheduler keeps for {@code name}: millicores for CPU. */
  public static long amount(String name, Quantity q) {
    if (q == null) {
      return 0;
    }
    BigDecimal v = q.getNumericalAmount();
    if (CPU.equals(name)) {
      v = v.multiply(BigDecimal.valueOf(1000));
    }
    return v.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  @Override
  public String toString() {
    return "{cpu: "
        + milliCpu
        + "m, memory: "
        + memory
        + ", ephemeral-storage: "
        + ephemeralStorage
        + ", pods: "
        + allowedPodNumber
        + (scalar == null ? "" : ", " + scalar)
        + "}";
  }
}

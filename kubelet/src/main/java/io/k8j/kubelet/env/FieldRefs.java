package io.k8j.kubelet.env;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.k8j.kubelet.kuberuntime.Qos;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Values of the downward API: pod fields ({@code fieldRef}) and container resources. */
public final class FieldRefs {
  private FieldRefs() {}

  /**
   * The value of a fieldRef path, or an exception naming the unsupported path.
   *
   * @param podIps the pod's addresses (empty before it has any)
   * @param hostIp the node's address
   */
  public static String field(Pod pod, String path, List<String> podIps, String hostIp) {
    var m = pod.getMetadata();
    if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
      return get(m.getLabels(), path.substring(17, path.length() - 2));
    }
    if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
      return get(m.getAnnotations(), path.substring(22, path.length() - 2));
    }
    return switch (path) {
      case "metadata.name" -> m.getName();
      case "metadata.namespace" -> m.getNamespace();
      case "metadata.uid" -> m.getUid();
      case "metadata.labels" -> lines(m.getLabels());
      case "metadata.annotations" -> lines(m.getAnnotations());
      case "spec.nodeName" -> nz(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> nz(pod.getSpec().getServiceAccountName());
      case "status.hostIP" -> nz(hostIp);
      case "status.hostIPs" -> nz(hostIp);
      case "status.podIP" -> podIps.isEmpty() ? "" : podIps.get(0);
      case "status.podIPs" -> String.join(",", podIps);
      default -> throw new IllegalArgumentException("unsupported fieldRef " + path);
    };
  }

  /**
   * The value of a resourceFieldRef: the container's limit or request divided by the divisor and
   * rounded up; a missing limit is the node's allocatable.
   */
  public static String resource(
      Pod pod, Container current, ResourceFieldSelector sel, Map<String, Quantity> allocatable) {
    Container c = current;
    if (sel.getContainerName() != null && !sel.getContainerName().isEmpty()) {
      c = find(pod, sel.getContainerName());
      if (c == null) {
        throw new IllegalArgumentException("container " + sel.getContainerName() + " not found");
      }
    }
    String res = sel.getResource();
    String name = res.substring(res.indexOf('.') + 1);
    Quantity q;
    if (res.startsWith("limits.")) {
      q = Qos.limits(c).get(name);
      if (q == null) {
        q = allocatable.get(name);
      }
    } else if (res.startsWith("requests.")) {
      q = Qos.requests(c).get(name);
      if (q == null && name.equals("cpu")) {
        q = new Quantity("0");
      }
    } else {
      throw new IllegalArgumentException("unsupported resource " + res);
    }
    if (q == null) {
      q = new Quantity("0");
    }
    BigDecimal divisor =
        sel.getDivisor() == null ? BigDecimal.ONE : Quantity.getAmountInBytes(sel.getDivisor());
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    BigDecimal v = Quantity.getAmountInBytes(q).divide(divisor, 0, RoundingMode.CEILING);
    if (name.equals("cpu") && v.signum() == 0 && res.startsWith("limits.")) {
      v = BigDecimal.ONE;
    }
    return v.toPlainString();
  }

  static Container find(Pod pod, String name) {
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if (c.getName().equals(name)) {
          return c;
        }
      }
    }
    return null;
  }

  private static String get(Map<String, String> m, String key) {
    return m == null ? "" : m.getOrDefault(key, "");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** {@code key="value"} lines, sorted, as the downward API writes label and annotation files. */
  static String lines(Map<String, String> m) {
    if (m == null) {
      return "";
    }
    return new TreeMap<>(m)
        .entrySet().stream()
            .map(e -> e.getKey() + "=\"" + escape(e.getValue()) + "\"")
            .collect(Collectors.joining("\n"));
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
  }
}

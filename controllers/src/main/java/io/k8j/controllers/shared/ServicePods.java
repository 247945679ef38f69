package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.EventHandlers;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Which pods back a Service and on which ports, as upstream's {@code endpointsliceutil} and {@code
 * podutil.FindPort}: shared by the Endpoints and EndpointSlice controllers.
 */
public final class ServicePods {
  private ServicePods() {}

  /** Whether the controllers manage endpoints for this Service (it has a selector). */
  public static boolean selects(Service svc) {
    return svc.getSpec() != null
        && svc.getSpec().getSelector() != null
        && !svc.getSpec().getSelector().isEmpty()
        && !"ExternalName".equals(svc.getSpec().getType());
  }

  /** The Services of the pod's namespace whose selector matches {@code labels}. */
  public static List<Service> servicesFor(List<Service> services, Map<String, String> labels) {
    List<Service> out = new ArrayList<>();
    for (Service s : services) {
      if (selects(s) && LabelSelectors.matchesMap(s.getSpec().getSelector(), labels)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Upstream's {@code ShouldPodBeInEndpoints}: not terminated, has an IP, and not being deleted
   * unless terminating pods are wanted.
   */
  public static boolean shouldBeInEndpoints(Pod pod, boolean includeTerminating) {
    String phase = PodStatuses.phase(pod);
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    if (podIp(pod) == null) {
      return false;
    }
    return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
  }

  /** The pod's (first) IP, or null. */
  public static String podIp(Pod pod) {
    if (pod.getStatus() == null) {
      return null;
    }
    String ip = pod.getStatus().getPodIP();
    if ((ip == null || ip.isEmpty())
        && pod.getStatus().getPodIPs() != null
        && !pod.getStatus().getPodIPs().isEmpty()) {
      ip = pod.getStatus().getPodIPs().get(0).getIp();
    }
    return ip == null || ip.isEmpty() ? null : ip;
  }

  /**
   * The pod port a Service port targets: a number as it is, a name resolved among the pod's
   * container ports of the same protocol; null when the pod has no such port.
   */
  public static Integer findPort(Pod pod, ServicePort sp) {
    IntOrString target = sp.getTargetPort();
    if (target == null) {
      return sp.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal() == 0 ? sp.getPort() : target.getIntVal();
    }
    String name = target.getStrVal();
    String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
    List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if ("Always".equals(c.getRestartPolicy())) {
          containers.add(c);
        }
      }
    }
    for (Container c : containers) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        String pp = p.getProtocol() == null ? "TCP" : p.getProtocol();
        if (Objects.equals(name, p.getName()) && protocol.equals(pp)) {
          return p.getContainerPort();
        }
      }
    }
    return null;
  }

  /** Upstream's {@code ShouldSetHostname}: the pod names this headless Service its subdomain. */
  public static boolean shouldSetHostname(Pod pod, Service svc) {
    String hostname = pod.getSpec().getHostname();
    return hostname != null
        && !hostname.isEmpty()
        && Objects.equals(pod.getSpec().getSubdomain(), svc.getMetadata().getName())
        && Objects.equals(pod.getMetadata().getNamespace(), svc.getMetadata().getNamespace());
  }

  /**
   * An informer handler for pods that enqueues the key of every Service selecting the pod, and on a
   * label change also of those that selected it before; updates that change nothing (a resync) are
   * skipped.
   */
  public static ResourceEventHandler<Pod> enqueueServicesOf(
      Lister<Service> services, Consumer<String> enqueue) {
    BiConsumer<Pod, Pod> changed =
        (pod, old) -> {
          Set<String> keys = new LinkedHashSet<>();
          List<Service> inNamespace = services.list(pod.getMetadata().getNamespace());
          servicesFor(inNamespace, pod.getMetadata().getLabels())
              .forEach(s -> keys.add(Keys.of(s)));
          if (old != null
              && !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
            servicesFor(inNamespace, old.getMetadata().getLabels())
                .forEach(s -> keys.add(Keys.of(s)));
          }
          keys.forEach(enqueue);
        };
    return EventHandlers.of(
        pod -> changed.accept(pod, null),
        (old, cur) -> {
          if (!Objects.equals(
              old.getMetadata().getResourceVersion(), cur.getMetadata().getResourceVersion())) {
            changed.accept(cur, old);
          }
        },
        pod -> changed.accept(pod, null));
  }

  /** Whether the Service has no cluster IP (headless). */
  public static boolean isHeadless(Service svc) {
    String ip = svc.getSpec().getClusterIP();
    return ip == null || ip.isEmpty() || "None".equals(ip);
  }
}

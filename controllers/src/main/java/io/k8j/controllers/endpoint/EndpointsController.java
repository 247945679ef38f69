package io.k8j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.LabelSelectors;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.ServicePods;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps one Endpoints object per Service with a selector, as upstream's endpoints controller: the
 * addresses of the matching pods that have an IP and are not terminated (or being deleted, unless
 * the Service publishes not-ready addresses), ready or not ready, each with the ports the Service
 * targets resolved for that pod. Pods whose ports cannot be resolved are left out of that port.
 */
public final class EndpointsController implements AutoCloseable {
  static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
  static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
  static final int MAX_CAPACITY = 1000;

  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<Endpoints> endpoints;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public EndpointsController(
      InformerFactory informers, ObjectWriter writer, EventRecorder events, Clock clock) {
    Informer<Service> svcInformer = informers.forType(Service.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    Informer<Endpoints> epInformer = informers.forType(Endpoints.class);
    this.services = svcInformer.lister();
    this.pods = podInformer.lister();
    this.endpoints = epInformer.lister();
    this.writer = writer;
    this.events = events;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            "endpoints-controller",
            queue,
            this::sync,
            List.of(svcInformer, podInformer, epInformer));
    svcInformer.addEventHandler(EventHandlers.onEvery(s -> queue.add(Keys.of(s))));
    podInformer.addEventHandler(ServicePods.enqueueServicesOf(services, queue::add));
    epInformer.addEventHandler(
        EventHandlers.onDelete(
            ep -> {
              if (services.get(Keys.of(ep)) != null) {
                queue.add(Keys.of(ep));
              }
            }));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  WorkQueue<String> queue() {
    return queue;
  }

  // The sync.

  void sync(String key) {
    Service svc = services.get(key);
    if (svc == null) {
      Endpoints gone = new Endpoints();
      gone.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
      gone.getMetadata().setNamespace(Keys.namespace(key));
      gone.getMetadata().setName(Keys.name(key));
      try {
        writer.delete(gone, Deletion.DEFAULT);
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
      return;
    }
    if (!ServicePods.selects(svc)) {
      return;
    }
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    List<EndpointSubset> subsets = new ArrayList<>();
    for (Pod pod : pods.list(svc.getMetadata().getNamespace())) {
      if (!LabelSelectors.matchesMap(svc.getSpec().getSelector(), pod.getMetadata().getLabels())
          || !ServicePods.shouldBeInEndpoints(pod, publishNotReady)) {
        continue;
      }
      EndpointAddress address = address(pod, svc);
      boolean ready = publishNotReady || PodStatuses.isReady(pod);
      List<ServicePort> ports =
          svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
      if (ports.isEmpty()) {
        if (ServicePods.isHeadless(svc)) {
          subsets.add(subset(address, null, ready));
        }
        continue;
      }
      for (ServicePort sp : ports) {
        Integer port = ServicePods.findPort(pod, sp);
        if (port == null) {
          continue;
        }
        EndpointPort ep = new EndpointPort();
        ep.setName(sp.getName());
        ep.setPort(port);
        ep.setProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol());
        ep.setAppProtocol(sp.getAppProtocol());
        subsets.add(subset(address, ep, ready));
      }
    }
    subsets = Subsets.repack(subsets);

    Endpoints current = endpoints.get(key);
    boolean create = current == null;
    Map<String, String> wantedLabels =
        new HashMap<>(
            svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels());
    if (ServicePods.isHeadless(svc)) {
      wantedLabels.put(HEADLESS_LABEL, "");
    } else {
      wantedLabels.remove(HEADLESS_LABEL);
    }
    boolean truncated = truncate(subsets);
    if (!create
        && Objects.equals(nonNull(current.getSubsets()), subsets)
        && Objects.equals(
            current.getMetadata().getLabels() == null
                ? Map.of()
                : current.getMetadata().getLabels(),
            wantedLabels)
        && truncated == annotations(current).containsKey(OVER_CAPACITY)) {
      return;
    }
    Endpoints next = create ? new Endpoints() : DeepCopy.of(current);
    if (create) {
      next.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
      next.getMetadata().setNamespace(svc.getMetadata().getNamespace());
      next.getMetadata().setName(svc.getMetadata().getName());
    }
    next.setSubsets(subsets);
    next.getMetadata().setLabels(wantedLabels);
    Map<String, String> ann = new HashMap<>(annotations(next));
    if (truncated) {
      ann.put(OVER_CAPACITY, "truncated");
    } else {
      ann.remove(OVER_CAPACITY);
    }
    next.getMetadata().setAnnotations(ann);
    try {
      if (create) {
        writer.create(next);
      } else {
        writer.update(next);
      }
    } catch (RuntimeException e) {
      if (create
          && ApiErrors.code(e) == 403
          && String.valueOf(e.getMessage()).contains("being terminated")) {
        return;
      }
      String ns = svc.getMetadata().getNamespace();
      String name = svc.getMetadata().getName();
      events.event(
          next,
          EventRecorder.WARNING,
          create ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint",
          create
              ? "Failed to create endpoint for service " + ns + "/" + name + ": " + e.getMessage()
              : "Failed to update endpoint " + ns + "/" + name + ": " + e.getMessage());
      throw e;
    }
  }

  private static EndpointAddress address(Pod pod, Service svc) {
    EndpointAddress a = new EndpointAddress();
    a.setIp(ServicePods.podIp(pod));
    String node = PodStatuses.nodeName(pod);
    a.setNodeName(node.isEmpty() ? null : node);
    if (ServicePods.shouldSetHostname(pod, svc)) {
      a.setHostname(pod.getSpec().getHostname());
    }
    a.setTargetRef(
        new ObjectReferenceBuilder()
            .withKind("Pod")
            .withNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .build());
    return a;
  }

  private static EndpointSubset subset(EndpointAddress a, EndpointPort port, boolean ready) {
    EndpointSubset s = new EndpointSubset();
    if (ready) {
      s.setAddresses(new ArrayList<>(List.of(a)));
    } else {
      s.setNotReadyAddresses(new ArrayList<>(List.of(a)));
    }
    s.setPorts(port == null ? new ArrayList<>() : new ArrayList<>(List.of(port)));
    return s;
  }

  /** Keeps at most {@value #MAX_CAPACITY} addresses, ready ones first; true if any were cut. */
  static boolean truncate(List<EndpointSubset> subsets) {
    int total = 0;
    for (EndpointSubset s : subsets) {
      total += s.getAddresses().size() + s.getNotReadyAddresses().size();
    }
    if (total <= MAX_CAPACITY) {
      return false;
    }
    int room = MAX_CAPACITY;
    for (EndpointSubset s : subsets) {
      int keep = Math.min(room, s.getAddresses().size());
      s.setAddresses(new ArrayList<>(s.getAddresses().subList(0, keep)));
      room -= keep;
    }
    for (EndpointSubset s : subsets) {
      int keep = Math.min(room, s.getNotReadyAddresses().size());
      s.setNotReadyAddresses(new ArrayList<>(s.getNotReadyAddresses().subList(0, keep)));
      room -= keep;
    }
    return true;
  }

  private static Map<String, String> annotations(Endpoints ep) {
    return ep.getMetadata().getAnnotations() == null ? Map.of() : ep.getMetadata().getAnnotations();
  }

  private static <E> List<E> nonNull(List<E> l) {
    return l == null ? List.of() : l;
  }
}

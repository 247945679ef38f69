package io.k8j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
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
import io.k8j.controllers.shared.OwnerReferences;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.ServicePods;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps the EndpointSlices of each Service with a selector, as upstream's endpointslice controller:
 * every matching pod with an IP that is not terminated is an endpoint (ready: ready and not
 * terminating, or always when the Service publishes not-ready addresses; serving: ready;
 * terminating: being deleted), grouped by the ports resolved for it; each group fills slices of at
 * most {@value #MAX_ENDPOINTS_PER_SLICE}, reusing the Service's existing slices with the same
 * ports. A Service without endpoints keeps one empty placeholder slice.
 */
public final class EndpointSliceController implements AutoCloseable {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "endpointslice-controller.k8s.io";
  static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final int MAX_ENDPOINTS_PER_SLICE = 100;
  static final String SERVICE_INDEX = "service";

  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final Lister<EndpointSlice> slices;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public EndpointSliceController(
      InformerFactory informers, ObjectWriter writer, EventRecorder events, Clock clock) {
    Informer<Service> svcInformer = informers.forType(Service.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    Informer<Node> nodeInformer = informers.forType(Node.class);
    Informer<EndpointSlice> sliceInformer = informers.forType(EndpointSlice.class);
    this.services = svcInformer.lister();
    this.pods = podInformer.lister();
    this.nodes = nodeInformer.lister();
    this.slices = sliceInformer.lister();
    this.writer = writer;
    this.events = events;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            "endpointslice-controller",
            queue,
            this::sync,
            List.of(svcInformer, podInformer, nodeInformer, sliceInformer));
    sliceInformer.addIndexer(SERVICE_INDEX, EndpointSliceController::serviceKeyOf);
    svcInformer.addEventHandler(EventHandlers.onEvery(s -> queue.add(Keys.of(s))));
    podInformer.addEventHandler(ServicePods.enqueueServicesOf(services, queue::add));
    sliceInformer.addEventHandler(EventHandlers.onEvery(this::enqueueOwner));
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

  private static List<String> serviceKeyOf(EndpointSlice s) {
    Map<String, String> labels = s.getMetadata().getLabels();
    if (labels == null
        || !MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL))
        || labels.get(SERVICE_NAME_LABEL) == null) {
      return List.of();
    }
    return List.of(Keys.of(s.getMetadata().getNamespace(), labels.get(SERVICE_NAME_LABEL)));
  }

  /** A slice of ours changed by someone else: its Service is synced to put it right. */
  private void enqueueOwner(EndpointSlice s) {
    serviceKeyOf(s).forEach(queue::add);
  }

  // The sync.

  void sync(String key) {
    try {
      reconcile(key);
    } catch (RuntimeException e) {
      Service svc = services.get(key);
      if (svc != null && !ApiErrors.isConflict(e)) {
        events.event(
            svc,
            EventRecorder.WARNING,
            "FailedToUpdateEndpointSlices",
            "Error updating Endpoint Slices for Service " + key + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private void reconcile(String key) {
    Service svc = services.get(key);
    List<EndpointSlice> existing = slices.byIndex(SERVICE_INDEX, key);
    if (svc == null || !ServicePods.selects(svc)) {
      // Slices of a deleted Service go with it (they are owned by it); a Service that lost its
      // selector keeps none from this controller.
      if (svc != null) {
        for (EndpointSlice s : existing) {
          delete(s);
        }
      }
      return;
    }
    Map<List<EndpointPort>, List<Endpoint>> desired = desiredEndpoints(svc);
    List<EndpointSlice> mine = new ArrayList<>();
    for (EndpointSlice s : existing) {
      OwnerReference owner = OwnerReferences.controllerOf(s);
      if (owner != null && Objects.equals(owner.getUid(), svc.getMetadata().getUid())) {
        mine.add(s);
      } else {
        delete(s);
      }
    }
    mine.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    Map<String, String> labels = labels(svc);
    if (desired.isEmpty()) {
      reconcilePlaceholder(svc, mine, labels);
      return;
    }
    Set<EndpointSlice> used = new java.util.HashSet<>();
    for (var group : desired.entrySet()) {
      List<EndpointSlice> candidates = new ArrayList<>();
      for (EndpointSlice s : mine) {
        if (samePorts(s.getPorts(), group.getKey()) && !used.contains(s)) {
          candidates.add(s);
        }
      }
      used.addAll(candidates);
      fill(svc, labels, group.getKey(), group.getValue(), candidates);
    }
    for (EndpointSlice s : mine) {
      if (!used.contains(s)) {
        delete(s);
      }
    }
  }

  /** Endpoints by their ports, in a stable order. */
  private Map<List<EndpointPort>, List<Endpoint>> desiredEndpoints(Service svc) {
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    Map<List<EndpointPort>, List<Endpoint>> out = new LinkedHashMap<>();
    List<Pod> selected = new ArrayList<>();
    for (Pod pod : pods.list(svc.getMetadata().getNamespace())) {
      if (LabelSelectors.matchesMap(svc.getSpec().getSelector(), pod.getMetadata().getLabels())
          && ServicePods.shouldBeInEndpoints(pod, true)) {
        selected.add(pod);
      }
    }
    selected.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    for (Pod pod : selected) {
      List<EndpointPort> ports = new ArrayList<>();
      for (ServicePort sp :
          svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
        Integer port = ServicePods.findPort(pod, sp);
        if (port == null) {
          continue;
        }
        EndpointPort ep = new EndpointPort();
        ep.setName(sp.getName() == null || sp.getName().isEmpty() ? null : sp.getName());
        ep.setPort(port);
        ep.setProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol());
        ep.setAppProtocol(sp.getAppProtocol());
        ports.add(ep);
      }
      if (ports.isEmpty()
          && !(svc.getSpec().getPorts() == null || svc.getSpec().getPorts().isEmpty())) {
        continue;
      }
      ports.sort(
          Comparator.comparing((EndpointPort x) -> Objects.toString(x.getName(), ""))
              .thenComparing(EndpointPort::getPort));
      out.computeIfAbsent(ports, k -> new ArrayList<>()).add(endpoint(pod, svc, publishNotReady));
    }
    return out;
  }

  private Endpoint endpoint(Pod pod, Service svc, boolean publishNotReady) {
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    boolean serving = PodStatuses.isReady(pod);
    Endpoint e = new Endpoint();
    e.setAddresses(new ArrayList<>(List.of(ServicePods.podIp(pod))));
    EndpointConditions c = new EndpointConditions();
    c.setReady(publishNotReady || (serving && !terminating));
    c.setServing(publishNotReady || serving);
    c.setTerminating(terminating);
    e.setConditions(c);
    String node = PodStatuses.nodeName(pod);
    if (!node.isEmpty()) {
      e.setNodeName(node);
      Node n = nodes.get(null, node);
      if (n != null
          && n.getMetadata().getLabels() != null
          && n.getMetadata().getLabels().containsKey(ZONE_LABEL)) {
        e.setZone(n.getMetadata().getLabels().get(ZONE_LABEL));
      }
    }
    if (ServicePods.shouldSetHostname(pod, svc)) {
      e.setHostname(pod.getSpec().getHostname());
    }
    e.setTargetRef(
        new ObjectReferenceBuilder()
            .withKind("Pod")
            .withNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .build());
    return e;
  }

  /**
   * Spreads the endpoints of one port group over the existing slices with those ports, keeping each
   * endpoint in the slice it is in when it can, then the rest where there is room, then in new
   * slices; writes only slices whose content changed; deletes slices left empty.
   */
  private void fill(
      Service svc,
      Map<String, String> labels,
      List<EndpointPort> ports,
      List<Endpoint> wanted,
      List<EndpointSlice> candidates) {
    Map<String, Endpoint> byUid = new LinkedHashMap<>();
    for (Endpoint e : wanted) {
      byUid.put(e.getTargetRef().getUid(), e);
    }
    List<List<Endpoint>> contents = new ArrayList<>();
    for (EndpointSlice s : candidates) {
      List<Endpoint> kept = new ArrayList<>();
      for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
        String uid = e.getTargetRef() == null ? null : e.getTargetRef().getUid();
        Endpoint w = uid == null ? null : byUid.remove(uid);
        if (w != null && kept.size() < MAX_ENDPOINTS_PER_SLICE) {
          kept.add(w);
        }
      }
      contents.add(kept);
    }
    List<Endpoint> rest = new ArrayList<>(byUid.values());
    for (List<Endpoint> c : contents) {
      while (c.size() < MAX_ENDPOINTS_PER_SLICE && !rest.isEmpty()) {
        c.add(rest.removeFirst());
      }
    }
    for (int i = 0; i < candidates.size(); i++) {
      EndpointSlice s = candidates.get(i);
      List<Endpoint> c = contents.get(i);
      if (c.isEmpty()) {
        delete(s);
      } else if (!Objects.equals(s.getEndpoints(), c)
          || !samePorts(s.getPorts(), ports)
          || !Objects.equals(s.getMetadata().getLabels(), labels)) {
        EndpointSlice next = io.k8j.client.DeepCopy.of(s);
        next.setEndpoints(c);
        next.setPorts(ports);
        next.getMetadata().setLabels(labels);
        write(next, false);
      }
    }
    while (!rest.isEmpty()) {
      List<Endpoint> chunk =
          new ArrayList<>(rest.subList(0, Math.min(MAX_ENDPOINTS_PER_SLICE, rest.size())));
      rest.subList(0, chunk.size()).clear();
      write(newSlice(svc, labels, ports, chunk), true);
    }
  }

  /** A Service without endpoints keeps exactly one empty slice. */
  private void reconcilePlaceholder(
      Service svc, List<EndpointSlice> mine, Map<String, String> labels) {
    EndpointSlice placeholder = null;
    for (EndpointSlice s : mine) {
      boolean empty =
          (s.getEndpoints() == null || s.getEndpoints().isEmpty())
              && (s.getPorts() == null || s.getPorts().isEmpty());
      if (empty && placeholder == null) {
        placeholder = s;
      } else {
        delete(s);
      }
    }
    if (placeholder == null) {
      write(newSlice(svc, labels, List.of(), List.of()), true);
    }
  }

  private EndpointSlice newSlice(
      Service svc, Map<String, String> labels, List<EndpointPort> ports, List<Endpoint> endpoints) {
    EndpointSlice s = new EndpointSlice();
    s.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    s.getMetadata().setNamespace(svc.getMetadata().getNamespace());
    s.getMetadata().setGenerateName(svc.getMetadata().getName() + "-");
    s.getMetadata().setLabels(labels);
    s.getMetadata()
        .setOwnerReferences(
            new ArrayList<>(List.of(OwnerReferences.newControllerRef(svc, "v1", "Service"))));
    s.setAddressType("IPv4");
    s.setPorts(new ArrayList<>(ports));
    s.setEndpoints(new ArrayList<>(endpoints));
    return s;
  }

  private Map<String, String> labels(Service svc) {
    Map<String, String> labels =
        new HashMap<>(
            svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels());
    labels.put(SERVICE_NAME_LABEL, svc.getMetadata().getName());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    if (ServicePods.isHeadless(svc)) {
      labels.put(HEADLESS_LABEL, "");
    } else {
      labels.remove(HEADLESS_LABEL);
    }
    return labels;
  }

  private static boolean samePorts(List<EndpointPort> a, List<EndpointPort> b) {
    return portKeys(a).equals(portKeys(b));
  }

  private static List<String> portKeys(List<EndpointPort> ports) {
    List<String> out = new ArrayList<>();
    for (EndpointPort p : ports == null ? List.<EndpointPort>of() : ports) {
      out.add(
          Objects.toString(p.getName(), "")
              + "/"
              + p.getPort()
              + "/"
              + p.getProtocol()
              + "/"
              + Objects.toString(p.getAppProtocol(), ""));
    }
    return out;
  }

  private void write(EndpointSlice s, boolean create) {
    try {
      if (create) {
        writer.create(s);
      } else {
        writer.update(s);
      }
    } catch (RuntimeException e) {
      if (create
          && ApiErrors.code(e) == 403
          && String.valueOf(e.getMessage()).contains("being terminated")) {
        return;
      }
      throw e;
    }
  }

  private void delete(EndpointSlice s) {
    try {
      writer.delete(
          s, io.k8j.client.Deletion.DEFAULT.withPreconditionUid(s.getMetadata().getUid()));
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}

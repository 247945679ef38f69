package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What exists from the start: the four system namespaces and the {@code kubernetes} Service in
 * {@code default} (with its Endpoints) pointing at the API server; and the service allocator's
 * state, rebuilt from the stored Services.
 */
public final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  private static final List<String> NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private Bootstrap() {}

  public static void restoreAllocator(ServedResource services, ServiceAllocator allocator) {
    List<String> ips = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (ObjectNode svc : services.lister().list("", ListOptions.all()).items()) {
      String ip = svc.path("spec").path("clusterIP").asText("");
      if (!ip.isEmpty() && !ip.equals("None")) {
        ips.add(ip);
      }
      ports.addAll(Services.nodePorts(svc));
    }
    allocator.restore(ips, ports);
  }

  public static void run(
      ResourceStore namespaces,
      ResourceStore services,
      ResourceStore endpoints,
      ResourceStore endpointSlices,
      ServiceAllocator allocator,
      String advertiseAddress,
      int port) {
    for (String ns : NAMESPACES) {
      ObjectNode obj = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      Json.metadata(obj).put("name", ns);
      createIfAbsent(namespaces, "", obj);
    }
    ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
    ObjectNode meta = Json.metadata(svc).put("name", "kubernetes").put("namespace", "default");
    Json.child(meta, "labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec =
        svc.putObject("spec").put("type", "ClusterIP").put("clusterIP", allocator.firstIp());
    spec.putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", 443)
        .put("protocol", "TCP")
        .put("targetPort", port);
    createIfAbsent(services, "default", svc);

    ObjectNode ep = Json.object().put("apiVersion", "v1").put("kind", "Endpoints");
    ObjectNode epMeta = Json.metadata(ep).put("name", "kubernetes").put("namespace", "default");
    Json.child(epMeta, "labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
    ObjectNode subset = ep.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", advertiseAddress);
    subset
        .putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", port)
        .put("protocol", "TCP");
    upsert(endpoints, ep, "subsets");

    ObjectNode slice =
        Json.object().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
    ObjectNode sliceMeta =
        Json.metadata(slice).put("name", "kubernetes").put("namespace", "default");
    Json.child(sliceMeta, "labels").put("kubernetes.io/service-name", "kubernetes");
    slice.put("addressType", "IPv4");
    ObjectNode endpoint = slice.putArray("endpoints").addObject();
    endpoint.putArray("addresses").add(advertiseAddress);
    endpoint.putObject("conditions").put("ready", true);
    slice
        .putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", port)
        .put("protocol", "TCP");
    upsert(endpointSlices, slice, "endpoints", "ports");
  }

  /** Creates the object in default, or brings the given fields of the stored one to its values. */
  private static void upsert(ResourceStore store, ObjectNode wanted, String... fields) {
    String name = wanted.path("metadata").path("name").asText();
    store.update(
        "default",
        name,
        null,
        cur -> {
          if (cur == null) {
            return wanted;
          }
          for (String f : fields) {
            cur.set(f, wanted.path(f).deepCopy());
          }
          Json.metadata(cur).remove("resourceVersion");
          return cur;
        },
        false);
  }

  private static void createIfAbsent(ResourceStore store, String ns, ObjectNode obj) {
    try {
      store.create(ns, obj, false);
      LOG.info("created {} {}", store.def().kind(), obj.path("metadata").path("name").asText());
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }
}

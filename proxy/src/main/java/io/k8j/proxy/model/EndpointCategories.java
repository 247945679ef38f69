package io.k8j.proxy.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which endpoints of a service port get traffic, as upstream's {@code CategorizeEndpoints} (without
 * topology hints): ready endpoints, or, when there are none, the ones still serving while they
 * terminate; for {@code Local} traffic policies the same choice among this node's endpoints.
 *
 * @param cluster the endpoints for {@code Cluster} traffic policy (empty when the port uses none)
 * @param local this node's endpoints for {@code Local} traffic policy (empty when unused)
 * @param allReachable every endpoint that some traffic through this node can reach
 * @param hasAny true if the port has usable endpoints anywhere in the cluster
 */
public record EndpointCategories(
    List<Endpoint> cluster, List<Endpoint> local, List<Endpoint> allReachable, boolean hasAny) {

  public static EndpointCategories of(ServicePortInfo svc, List<Endpoint> endpoints) {
    List<Endpoint> cluster = List.of();
    boolean hasAny = false;
    if (svc.usesClusterEndpoints()) {
      cluster = filter(endpoints, Endpoint::ready);
      if (cluster.isEmpty()) {
        cluster = filter(endpoints, e -> e.serving() && e.terminating());
      }
      hasAny = !cluster.isEmpty();
    }
    if (!svc.usesLocalEndpoints()) {
      return new EndpointCategories(cluster, List.of(), cluster, hasAny);
    }
    boolean localReady = false;
    boolean localServingTerminating = false;
    for (Endpoint e : endpoints) {
      if (e.ready()) {
        hasAny = true;
        localReady |= e.local();
      } else if (e.serving() && e.terminating()) {
        hasAny = true;
        localServingTerminating |= e.local();
      }
    }
    List<Endpoint> local = List.of();
    boolean usesTerminating = false;
    if (localReady) {
      local = filter(endpoints, e -> e.local() && e.ready());
    } else if (localServingTerminating) {
      usesTerminating = true;
      local = filter(endpoints, e -> e.local() && e.serving() && e.terminating());
    }
    if (!svc.usesClusterEndpoints()) {
      return new EndpointCategories(cluster, local, local, hasAny);
    }
    if (!usesTerminating) {
      // every ready local endpoint is already among the cluster endpoints
      return new EndpointCategories(cluster, local, cluster, hasAny);
    }
    LinkedHashSet<Endpoint> all = new LinkedHashSet<>(cluster);
    all.addAll(local);
    return new EndpointCategories(cluster, local, List.copyOf(all), hasAny);
  }

  private static List<Endpoint> filter(List<Endpoint> endpoints, Predicate<Endpoint> keep) {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (keep.test(e)) {
        out.add(e);
      }
    }
    return List.copyOf(out);
  }
}

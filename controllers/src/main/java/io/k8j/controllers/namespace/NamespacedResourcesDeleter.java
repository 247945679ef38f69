package io.k8j.controllers.namespace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.k8j.client.ApiErrors;
import io.k8j.client.ApiResource;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.DynamicClient;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Deletes everything in a namespace being deleted, as upstream's {@code
 * NamespacedResourcesDeleter}: every namespaced resource from discovery that can be deleted is
 * emptied (deletecollection, or one delete per object), what is left is counted into the
 * namespace's conditions, and once nothing is left the {@code kubernetes} finalizer is removed
 * through {@code /finalize}.
 */
final class NamespacedResourcesDeleter {
  /** Upstream's estimate for content held by finalizers. */
  static final long FINALIZER_ESTIMATE_SECONDS = 15;

  static final String FINALIZER = "kubernetes";

  /** Content is left; look again after {@code estimateSeconds}. */
  static final class ResourcesRemaining extends RuntimeException {
    final long estimateSeconds;

    ResourcesRemaining(long estimateSeconds) {
      super("some content remains in the namespace, estimate " + estimateSeconds + " seconds");
      this.estimateSeconds = estimateSeconds;
    }
  }

  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final DynamicClient dynamic;
  private final Clock clock;

  NamespacedResourcesDeleter(
      ObjectReader reader, ObjectWriter writer, DynamicClient dynamic, Clock clock) {
    this.reader = reader;
    this.writer = writer;
    this.dynamic = dynamic;
    this.clock = clock;
  }

  void delete(String name) {
    Namespace ns = reader.get(Namespace.class, null, name);
    if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
      return;
    }
    if (ns.getStatus() == null || !"Terminating".equals(ns.getStatus().getPhase())) {
      Namespace copy = DeepCopy.of(ns);
      if (copy.getStatus() == null) {
        copy.setStatus(new io.fabric8.kubernetes.api.model.NamespaceStatus());
      }
      copy.getStatus().setPhase("Terminating");
      ns = writer.updateStatus(copy);
    }
    if (ns.getSpec() == null
        || ns.getSpec().getFinalizers() == null
        || ns.getSpec().getFinalizers().isEmpty()) {
      return;
    }
    long estimate = deleteAllContent(ns);
    if (estimate > 0) {
      throw new ResourcesRemaining(estimate);
    }
    finalizeNamespace(name);
  }

  private long deleteAllContent(Namespace ns) {
    String name = ns.getMetadata().getName();
    Instant deletedAt = Times.parse(ns.getMetadata().getDeletionTimestamp());
    NamespaceConditions conditions = new NamespaceConditions();
    List<ApiResource> resources;
    try {
      resources = dynamic.discover();
    } catch (RuntimeException e) {
      conditions.fail(
          NamespaceConditions.DISCOVERY_FAILURE,
          "Discovery failed for some groups, 1 failing: " + e.getMessage());
      writeConditions(ns, conditions);
      throw e;
    }
    long estimate = 0;
    Map<String, Integer> remaining = new TreeMap<>();
    Map<String, Integer> finalizersRemaining = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (ApiResource r : resources) {
      if (!r.namespaced() || !r.supports("delete")) {
        continue;
      }
      try {
        long e = deleteAllContentOf(r, name, deletedAt, remaining, finalizersRemaining);
        estimate = Math.max(estimate, e);
      } catch (RuntimeException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      conditions.fail(
          NamespaceConditions.CONTENT_FAILURE,
          "Failed to delete all resource types, "
              + errors.size()
              + " remaining: "
              + String.join(", ", errors));
    }
    if (!remaining.isEmpty()) {
      List<String> parts = new ArrayList<>();
      remaining.forEach((k, v) -> parts.add(k + " has " + v + " resource instances"));
      conditions.fail(
          NamespaceConditions.CONTENT_REMAINING,
          "Some resources are remaining: " + String.join(", ", parts));
    }
    if (!finalizersRemaining.isEmpty()) {
      List<String> parts = new ArrayList<>();
      finalizersRemaining.forEach((k, v) -> parts.add(k + " in " + v + " resource instances"));
      conditions.fail(
          NamespaceConditions.FINALIZERS_REMAINING,
          "Some content in the namespace has finalizers remaining: " + String.join(", ", parts));
    }
    writeConditions(ns, conditions);
    if (!errors.isEmpty()) {
      throw new IllegalStateException(
          "deleting content of namespace " + name + ": " + String.join("; ", errors));
    }
    return estimate;
  }

  private long deleteAllContentOf(
      ApiResource r,
      String ns,
      Instant deletedAt,
      Map<String, Integer> remaining,
      Map<String, Integer> finalizersRemaining) {
    long estimate = estimateGracefulTermination(r, ns, deletedAt);
    if (r.supports("deletecollection")) {
      dynamic.deleteCollection(r, ns);
    } else {
      for (GenericKubernetesResource o : dynamic.list(r, ns)) {
        try {
          dynamic.delete(r, ns, o.getMetadata().getName(), Deletion.propagation("Background"));
        } catch (RuntimeException e) {
          if (!ApiErrors.isNotFound(e)) {
            throw e;
          }
        }
      }
    }
    if (!r.supports("list")) {
      return estimate;
    }
    List<GenericKubernetesResource> left = dynamic.list(r, ns);
    if (left.isEmpty()) {
      return estimate;
    }
    Map<String, Integer> finalizers = new TreeMap<>();
    for (GenericKubernetesResource o : left) {
      for (String f : o.getMetadata().getFinalizers()) {
        finalizers.merge(f, 1, Integer::sum);
      }
    }
    remaining.put(r.plural() + "." + r.group(), left.size());
    finalizers.forEach((f, n) -> finalizersRemaining.merge(f, n, Integer::sum));
    if (estimate > 0) {
      return estimate;
    }
    if (!finalizers.isEmpty()) {
      return FINALIZER_ESTIMATE_SECONDS;
    }
    throw new IllegalStateException(
        "unexpected items still remain in namespace: "
            + ns
            + " for gvr: "
            + r.apiVersion()
            + ", Resource="
            + r.plural());
  }

  /** For pods: the longest grace period of those not terminated, less the time since deletion. */
  private long estimateGracefulTermination(ApiResource r, String ns, Instant deletedAt) {
    if (!r.group().isEmpty() || !r.plural().equals("pods")) {
      return 0;
    }
    long estimate = 0;
    for (GenericKubernetesResource pod : dynamic.list(r, ns)) {
      Object status = pod.getAdditionalProperties().get("status");
      String phase = status instanceof Map<?, ?> m ? String.valueOf(m.get("phase")) : "";
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      Object spec = pod.getAdditionalProperties().get("spec");
      if (spec instanceof Map<?, ?> m
          && m.get("terminationGracePeriodSeconds") instanceof Number n) {
        estimate = Math.max(estimate, n.longValue());
      }
    }
    if (deletedAt != null
        && Duration.between(deletedAt, clock.now()).compareTo(Duration.ofSeconds(estimate)) >= 0) {
      return 0;
    }
    return estimate;
  }

  private void writeConditions(Namespace ns, NamespaceConditions conditions) {
    Namespace fresh = reader.get(Namespace.class, null, ns.getMetadata().getName());
    if (fresh == null) {
      return;
    }
    var current = fresh.getStatus() == null ? null : fresh.getStatus().getConditions();
    var next = conditions.update(current, clock.now());
    if (Objects.equals(current, next)) {
      return;
    }
    Namespace copy = DeepCopy.of(fresh);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.NamespaceStatus());
    }
    copy.getStatus().setConditions(next);
    try {
      writer.updateStatus(copy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isConflict(e) && !ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** Removes the {@code kubernetes} finalizer, retrying on conflicts. */
  private void finalizeNamespace(String name) {
    for (int attempt = 0; ; attempt++) {
      Namespace ns = reader.get(Namespace.class, null, name);
      if (ns == null || ns.getSpec() == null || !ns.getSpec().getFinalizers().contains(FINALIZER)) {
        return;
      }
      Namespace copy = DeepCopy.of(ns);
      List<String> kept = new ArrayList<>(copy.getSpec().getFinalizers());
      kept.remove(FINALIZER);
      copy.getSpec().setFinalizers(kept);
      try {
        writer.updateSubresource(copy, "finalize");
        return;
      } catch (RuntimeException e) {
        if (ApiErrors.isNotFound(e)) {
          return;
        }
        if (!ApiErrors.isConflict(e) || attempt >= 4) {
          throw e;
        }
      }
    }
  }
}

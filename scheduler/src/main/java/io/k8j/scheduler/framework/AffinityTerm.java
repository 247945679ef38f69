package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import java.util.Map;
import java.util.Set;

/**
 * A compiled pod (anti-)affinity term, as upstream's {@code framework.AffinityTerm}: the pods it
 * selects (namespaces or a namespace selector, and a label selector) and the topology key.
 */
public record AffinityTerm(
    Set<String> namespaces, Selector selector, String topologyKey, Selector namespaceSelector) {

  /** Compiles {@code term} of a pod in namespace {@code podNamespace}. */
  public static AffinityTerm of(String podNamespace, PodAffinityTerm term) {
    Set<String> ns;
    if ((term.getNamespaces() == null || term.getNamespaces().isEmpty())
        && term.getNamespaceSelector() == null) {
      ns = Set.of(podNamespace);
    } else {
      ns = term.getNamespaces() == null ? Set.of() : Set.copyOf(term.getNamespaces());
    }
    return new AffinityTerm(
            ns,
            Selector.of(term.getLabelSelector()),
            term.getTopologyKey(),
            Selector.of(term.getNamespaceSelector()))
        .interned();
  }

  private static final Interner<AffinityTerm> TERMS = new Interner<>(10_000);

  /** The canonical instance of this term, shared by every pod with an equal one. */
  public AffinityTerm interned() {
    return TERMS.intern(this);
  }

  /**
   * Whether the term selects {@code pod}, whose namespace carries {@code nsLabels} (the namespace
   * selector is matched against them).
   */
  public boolean matches(PodInfo pod, Map<String, String> nsLabels) {
    return namespaceMatches(pod, nsLabels) && selector.matches(pod.labels());
  }

  /** The namespace half of {@link #matches}. */
  public boolean namespaceMatches(PodInfo pod, Map<String, String> nsLabels) {
    return namespaces.contains(pod.namespace()) || namespaceSelector.matches(nsLabels);
  }

  /** The same term with the namespaces its selector picks added, and the selector dropped. */
  public AffinityTerm withNamespaces(Set<String> resolved) {
    return new AffinityTerm(resolved, selector, topologyKey, Selector.NOTHING);
  }

  /** A preferred term and its weight. */
  public record Weighted(AffinityTerm term, int weight) {}
}

package io.k8j.scheduler.plugins.interpodaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.AffinityTerm;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.ClusterEvent.QueueingHint;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreFilterPlugin;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.PreScorePlugin;
import io.k8j.scheduler.framework.ScorePlugin;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pod affinity and anti-affinity, required (filter) and preferred (score), by topology key, as
 * upstream's InterPodAffinity: the pod's own terms against the pods already placed, and the placed
 * pods' terms against the pod.
 */
public final class InterPodAffinity
    implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "InterPodAffinity";
  public static final String ERR_REASON_EXISTING_ANTI_AFFINITY =
      "node(s) didn't satisfy existing pods anti-affinity rules";
  public static final String ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
  public static final String ERR_REASON_ANTI_AFFINITY =
      "node(s) didn't match pod anti-affinity rules";

  private static final StateKey<PreFilterState> PRE_FILTER_KEY =
      StateKey.of("PreFilter" + NAME, PreFilterState.class);
  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  /** The counts the filter checks; changed by preemption's add/remove on its own copy. */
  static final class PreFilterState implements StateData {
    final PodInfo pod;
    final List<AffinityTerm> affinityTerms;
    final List<AffinityTerm> antiAffinityTerms;
    final Map<String, String> namespaceLabels;
    TopologyCounts existingAntiAffinityCounts;
    TopologyCounts affinityCounts;
    TopologyCounts antiAffinityCounts;

    PreFilterState(
        PodInfo pod,
        List<AffinityTerm> affinityTerms,
        List<AffinityTerm> antiAffinityTerms,
        Map<String, String> namespaceLabels) {
      this.pod = pod;
      this.affinityTerms = affinityTerms;
      this.antiAffinityTerms = antiAffinityTerms;
      this.namespaceLabels = namespaceLabels;
    }

    @Override
    public StateData copy() {
      PreFilterState c = new PreFilterState(pod, affinityTerms, antiAffinityTerms, namespaceLabels);
      c.existingAntiAffinityCounts = existingAntiAffinityCounts.copy();
      c.affinityCounts = affinityCounts.copy();
      c.antiAffinityCounts = antiAffinityCounts.copy();
      return c;
    }

    void updateWithPod(PodInfo other, Map<String, String> nodeLabels, long multiplier) {
      for (AffinityTerm t : other.requiredAntiAffinityTerms()) {
        if (t.matches(pod, namespaceLabels)) {
          existingAntiAffinityCounts.addForNode(nodeLabels, t.topologyKey(), multiplier);
        }
      }
      if (matchesAll(affinityTerms, other)) {
        for (AffinityTerm t : affinityTerms) {
          affinityCounts.addForNode(nodeLabels, t.topologyKey(), multiplier);
        }
      }
      for (AffinityTerm t : antiAffinityTerms) {
        if (t.matches(other, Map.of())) {
          antiAffinityCounts.addForNode(nodeLabels, t.topologyKey(), multiplier);
        }
      }
    }
  }

  /** Weights per topology pair for scoring. */
  record PreScoreState(TopologyCounts topologyScore) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  private final Handle handle;
  private final long hardPodAffinityWeight;
  private final boolean ignorePreferredTermsOfExistingPods;

  private InterPodAffinity(Handle handle, long hardWeight, boolean ignorePreferred) {
    this.handle = handle;
    this.hardPodAffinityWeight = hardWeight;
    this.ignorePreferredTermsOfExistingPods = ignorePreferred;
  }

  /**
   * Args: {@code hardPodAffinityWeight} (default 1, 0 to 100), {@code
   * ignorePreferredTermsOfExistingPods}.
   */
  public static InterPodAffinity create(JsonNode args, Handle handle) {
    long w = args.path("hardPodAffinityWeight").asLong(1);
    if (w < 0 || w > 100) {
      throw new IllegalArgumentException(
          "hardPodAffinityWeight: Invalid value: " + w + ": not in valid range [0-100]");
    }
    return new InterPodAffinity(
        handle, w, args.path("ignorePreferredTermsOfExistingPods").asBoolean(false));
  }

  @Override
  public String name() {
    return NAME;
  }

  // ---- filter ----

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    if (pod.parseError() != null) {
      return PreFilterResult.of(Status.unresolvable("parsing pod: " + pod.parseError()));
    }
    List<AffinityTerm> affinity = mergeNamespaces(pod.requiredAffinityTerms());
    List<AffinityTerm> anti = mergeNamespaces(pod.requiredAntiAffinityTerms());
    Map<String, String> nsLabels = handle.objects().namespaceLabels(pod.namespace());
    PreFilterState s = new PreFilterState(pod, affinity, anti, nsLabels);
    s.existingAntiAffinityCounts = existingAntiAffinityCounts(pod, nsLabels);
    s.affinityCounts = new TopologyCounts();
    s.antiAffinityCounts = new TopologyCounts();
    if (!affinity.isEmpty() || !anti.isEmpty()) {
      incomingCounts(s);
    }
    if (s.existingAntiAffinityCounts.isEmpty() && affinity.isEmpty() && anti.isEmpty()) {
      return PreFilterResult.skip();
    }
    state.write(PRE_FILTER_KEY, s);
    return PreFilterResult.ok();
  }

  private TopologyCounts existingAntiAffinityCounts(PodInfo pod, Map<String, String> nsLabels) {
    TopologyCounts counts = new TopologyCounts();
    for (NodeInfo n : handle.snapshot().havePodsWithRequiredAntiAffinity()) {
      for (PodInfo existing : n.podsWithRequiredAntiAffinity()) {
        for (AffinityTerm t : existing.requiredAntiAffinityTerms()) {
          if (t.matches(pod, nsLabels)) {
            counts.addForNode(n.labels(), t.topologyKey(), 1);
          }
        }
      }
    }
    return counts;
  }

  private void incomingCounts(PreFilterState s) {
    List<NodeInfo> nodes = handle.snapshot().list();
    TopologyCounts[] affinity = new TopologyCounts[nodes.size()];
    TopologyCounts[] anti = new TopologyCounts[nodes.size()];
    handle
        .parallelizer()
        .until(
            nodes.size(),
            i -> {
              NodeInfo n = nodes.get(i);
              TopologyCounts a = null;
              TopologyCounts aa = null;
              for (PodInfo existing : n.pods()) {
                if (matchesAll(s.affinityTerms, existing)) {
                  if (a == null) {
                    a = new TopologyCounts();
                  }
                  for (AffinityTerm t : s.affinityTerms) {
                    a.addForNode(n.labels(), t.topologyKey(), 1);
                  }
                }
                for (AffinityTerm t : s.antiAffinityTerms) {
                  if (t.matches(existing, Map.of())) {
                    if (aa == null) {
                      aa = new TopologyCounts();
                    }
                    aa.addForNode(n.labels(), t.topologyKey(), 1);
                  }
                }
              }
              affinity[i] = a;
              anti[i] = aa;
            });
    for (int i = 0; i < nodes.size(); i++) {
      if (affinity[i] != null) {
        s.affinityCounts.merge(affinity[i]);
      }
      if (anti[i] != null) {
        s.antiAffinityCounts.merge(anti[i]);
      }
    }
  }

  static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod) {
    if (terms.isEmpty()) {
      return false;
    }
    for (AffinityTerm t : terms) {
      if (!t.matches(pod, Map.of())) {
        return false;
      }
    }
    return true;
  }

  /** Upstream's {@code mergeAffinityTermNamespacesIfNotEmpty}: namespace selectors to names. */
  private List<AffinityTerm> mergeNamespaces(List<AffinityTerm> terms) {
    if (terms.isEmpty()) {
      return terms;
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (AffinityTerm t : terms) {
      if (t.namespaceSelector().isNothing()) {
        out.add(t);
        continue;
      }
      Set<String> ns = new HashSet<>(t.namespaces());
      ns.addAll(handle.objects().namespacesMatching(t.namespaceSelector()));
      out.add(t.withNamespaces(Set.copyOf(ns)));
    }
    return out;
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return new PreFilterExtensions() {
      @Override
      public Status addPod(CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node) {
        state.read(PRE_FILTER_KEY).updateWithPod(toAdd, node.labels(), 1);
        return Status.SUCCESS;
      }

      @Override
      public Status removePod(
          CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node) {
        state.read(PRE_FILTER_KEY).updateWithPod(toRemove, node.labels(), -1);
        return Status.SUCCESS;
      }
    };
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    PreFilterState s = state.read(PRE_FILTER_KEY);
    if (!satisfiesAffinity(s, node.labels())) {
      return Status.unresolvable(ERR_REASON_AFFINITY);
    }
    if (!satisfiesAntiAffinity(s, node.labels())) {
      return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (s.existingAntiAffinityCounts.anyPositiveFor(node.labels())) {
      return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    }
    return Status.SUCCESS;
  }

  private static boolean satisfiesAffinity(PreFilterState s, Map<String, String> labels) {
    boolean podsExist = true;
    for (AffinityTerm t : s.affinityTerms) {
      String v = labels.get(t.topologyKey());
      if (v == null) {
        return false;
      }
      if (s.affinityCounts.get(t.topologyKey(), v) <= 0) {
        podsExist = false;
      }
    }
    if (!podsExist) {
      // The first pod of a group with affinity to itself: allowed when no pod matches yet.
      return s.affinityCounts.isEmpty() && matchesAll(s.affinityTerms, s.pod);
    }
    return true;
  }

  private static boolean satisfiesAntiAffinity(PreFilterState s, Map<String, String> labels) {
    if (s.antiAffinityCounts.isEmpty()) {
      return true;
    }
    for (AffinityTerm t : s.antiAffinityTerms) {
      String v = labels.get(t.topologyKey());
      if (v != null && s.antiAffinityCounts.get(t.topologyKey(), v) > 0) {
        return false;
      }
    }
    return true;
  }

  // ---- score ----

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> filtered) {
    if (filtered.isEmpty()) {
      return Status.SKIP;
    }
    boolean hasConstraints =
        !pod.preferredAffinityTerms().isEmpty() || !pod.preferredAntiAffinityTerms().isEmpty();
    if (ignorePreferredTermsOfExistingPods && !hasConstraints) {
      return Status.SKIP;
    }
    List<NodeInfo> nodes =
        hasConstraints ? handle.snapshot().list() : handle.snapshot().havePodsWithAffinity();
    List<AffinityTerm.Weighted> preferred = mergeWeighted(pod.preferredAffinityTerms());
    List<AffinityTerm.Weighted> preferredAnti = mergeWeighted(pod.preferredAntiAffinityTerms());
    Map<String, String> nsLabels = handle.objects().namespaceLabels(pod.namespace());
    TopologyCounts[] perNode = new TopologyCounts[nodes.size()];
    handle
        .parallelizer()
        .until(
            nodes.size(),
            i -> {
              NodeInfo n = nodes.get(i);
              if (n.labels().isEmpty()) {
                return;
              }
              List<PodInfo> pods = hasConstraints ? n.pods() : n.podsWithAffinity();
              TopologyCounts c = new TopologyCounts();
              for (PodInfo existing : pods) {
                processExistingPod(
                    c, pod, nsLabels, preferred, preferredAnti, existing, n.labels());
              }
              if (!c.isEmpty()) {
                perNode[i] = c;
              }
            });
    TopologyCounts total = new TopologyCounts();
    for (TopologyCounts c : perNode) {
      if (c != null) {
        total.merge(c);
      }
    }
    if (total.isEmpty()) {
      return Status.SKIP;
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(total));
    return Status.SUCCESS;
  }

  private void processExistingPod(
      TopologyCounts c,
      PodInfo pod,
      Map<String, String> nsLabels,
      List<AffinityTerm.Weighted> preferred,
      List<AffinityTerm.Weighted> preferredAnti,
      PodInfo existing,
      Map<String, String> nodeLabels) {
    for (AffinityTerm.Weighted w : preferred) {
      if (w.term().matches(existing, Map.of())) {
        c.addForNode(nodeLabels, w.term().topologyKey(), w.weight());
      }
    }
    for (AffinityTerm.Weighted w : preferredAnti) {
      if (w.term().matches(existing, Map.of())) {
        c.addForNode(nodeLabels, w.term().topologyKey(), -w.weight());
      }
    }
    if (hardPodAffinityWeight > 0) {
      for (AffinityTerm t : existing.requiredAffinityTerms()) {
        if (t.matches(pod, nsLabels)) {
          c.addForNode(nodeLabels, t.topologyKey(), hardPodAffinityWeight);
        }
      }
    }
    for (AffinityTerm.Weighted w : existing.preferredAffinityTerms()) {
      if (w.term().matches(pod, nsLabels)) {
        c.addForNode(nodeLabels, w.term().topologyKey(), w.weight());
      }
    }
    for (AffinityTerm.Weighted w : existing.preferredAntiAffinityTerms()) {
      if (w.term().matches(pod, nsLabels)) {
        c.addForNode(nodeLabels, w.term().topologyKey(), -w.weight());
      }
    }
  }

  private List<AffinityTerm.Weighted> mergeWeighted(List<AffinityTerm.Weighted> terms) {
    if (terms.isEmpty()) {
      return terms;
    }
    List<AffinityTerm.Weighted> out = new ArrayList<>(terms.size());
    for (AffinityTerm.Weighted w : terms) {
      out.add(new AffinityTerm.Weighted(mergeNamespaces(List.of(w.term())).get(0), w.weight()));
    }
    return out;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    return state.read(PRE_SCORE_KEY).topologyScore().sumFor(node.labels());
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, NodeScores scores) {
    PreScoreState s = state.find(PRE_SCORE_KEY);
    if (s == null || s.topologyScore().isEmpty()) {
      return;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < scores.size(); i++) {
      min = Math.min(min, scores.score(i));
      max = Math.max(max, scores.score(i));
    }
    long diff = max - min;
    for (int i = 0; i < scores.size(); i++) {
      double f = diff > 0 ? MAX_NODE_SCORE * ((double) (scores.score(i) - min) / diff) : 0;
      scores.set(i, (long) f);
    }
  }

  // ---- requeueing ----

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.ASSIGNED_POD, ActionType.ALL, InterPodAffinity::hintForPodChange),
        ClusterEvent.WithHint.of(
            EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL));
  }

  private static QueueingHint hintForPodChange(PodInfo pod, Object oldObj, Object newObj) {
    if (newObj instanceof Pod added) {
      PodInfo p = PodInfo.of(added);
      for (AffinityTerm t : pod.requiredAffinityTerms()) {
        if (t.matches(p, Map.of())) {
          return QueueingHint.QUEUE;
        }
      }
    }
    if (oldObj instanceof Pod removed) {
      PodInfo p = PodInfo.of(removed);
      for (AffinityTerm t : pod.requiredAntiAffinityTerms()) {
        if (t.matches(p, Map.of())) {
          return QueueingHint.QUEUE;
        }
      }
      for (AffinityTerm t : p.requiredAntiAffinityTerms()) {
        if (t.matches(pod, Map.of()) || !t.namespaceSelector().isNothing()) {
          return QueueingHint.QUEUE;
        }
      }
    }
    return QueueingHint.SKIP;
  }
}

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
import java.util.IdentityHashMap;
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
    TermMemo memo = new TermMemo(pod, nsLabels);
    for (NodeInfo n : handle.snapshot().havePodsWithRequiredAntiAffinity()) {
      for (PodInfo existing : n.podsWithRequiredAntiAffinity()) {
        for (AffinityTerm t : existing.requiredAntiAffinityTerms()) {
          if (memo.selects(t)) {
            counts.addForNode(n.labels(), t.topologyKey(), 1);
          }
        }
      }
    }
    return counts;
  }

  /**
   * Counts the placed pods the incoming pod's required terms select, per topology pair. Pods of one
   * workload share their label set, so each term is matched once per label set.
   */
  private void incomingCounts(PreFilterState s) {
    LabelMemo affinity = new LabelMemo(s.affinityTerms);
    List<LabelMemo> anti = new ArrayList<>(s.antiAffinityTerms.size());
    for (AffinityTerm t : s.antiAffinityTerms) {
      anti.add(new LabelMemo(List.of(t)));
    }
    for (NodeInfo n : handle.snapshot().list()) {
      for (PodInfo existing : n.pods()) {
        if (!s.affinityTerms.isEmpty() && affinity.selectsAll(existing)) {
          for (AffinityTerm t : s.affinityTerms) {
            s.affinityCounts.addForNode(n.labels(), t.topologyKey(), 1);
          }
        }
        for (int i = 0; i < anti.size(); i++) {
          if (anti.get(i).selectsAll(existing)) {
            s.antiAffinityCounts.addForNode(
                n.labels(), s.antiAffinityTerms.get(i).topologyKey(), 1);
          }
        }
      }
    }
  }

  /** Whether terms of placed pods select one given pod, remembered per (shared) term. */
  private static final class TermMemo {
    private final PodInfo pod;
    private final Map<String, String> nsLabels;
    private final IdentityHashMap<AffinityTerm, Boolean> seen = new IdentityHashMap<>();

    TermMemo(PodInfo pod, Map<String, String> nsLabels) {
      this.pod = pod;
      this.nsLabels = nsLabels;
    }

    boolean selects(AffinityTerm t) {
      Boolean m = seen.get(t);
      if (m == null) {
        m = t.matches(pod, nsLabels);
        seen.put(t, m);
      }
      return m;
    }
  }

  /**
   * Whether all of some terms (with namespaces resolved) select a placed pod, remembered per
   * (shared) label set; the namespace is checked per pod.
   */
  private static final class LabelMemo {
    private final List<AffinityTerm> terms;
    private final IdentityHashMap<Map<String, String>, Boolean> seen = new IdentityHashMap<>();

    LabelMemo(List<AffinityTerm> terms) {
      this.terms = terms;
    }

    boolean selectsAll(PodInfo p) {
      if (terms.isEmpty()) {
        return false;
      }
      for (AffinityTerm t : terms) {
        if (!t.namespaceMatches(p, Map.of())) {
          return false;
        }
      }
      Boolean m = seen.get(p.labels());
      if (m == null) {
        m = true;
        for (AffinityTerm t : terms) {
          if (!t.selector().matches(p.labels())) {
            m = false;
            break;
          }
        }
        seen.put(p.labels(), m);
      }
      return m;
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
    TermMemo existingTerms = new TermMemo(pod, nsLabels);
    List<LabelMemo> preferredMemo = new ArrayList<>(preferred.size());
    for (AffinityTerm.Weighted w : preferred) {
      preferredMemo.add(new LabelMemo(List.of(w.term())));
    }
    List<LabelMemo> preferredAntiMemo = new ArrayList<>(preferredAnti.size());
    for (AffinityTerm.Weighted w : preferredAnti) {
      preferredAntiMemo.add(new LabelMemo(List.of(w.term())));
    }
    TopologyCounts total = new TopologyCounts();
    for (NodeInfo n : nodes) {
      if (n.labels().isEmpty() || (!hasConstraints && n.podsWithScoringTerms() == 0)) {
        continue;
      }
      List<PodInfo> pods = hasConstraints ? n.pods() : n.podsWithAffinity();
      for (PodInfo existing : pods) {
        for (int i = 0; i < preferred.size(); i++) {
          if (preferredMemo.get(i).selectsAll(existing)) {
            AffinityTerm.Weighted w = preferred.get(i);
            total.addForNode(n.labels(), w.term().topologyKey(), w.weight());
          }
        }
        for (int i = 0; i < preferredAnti.size(); i++) {
          if (preferredAntiMemo.get(i).selectsAll(existing)) {
            AffinityTerm.Weighted w = preferredAnti.get(i);
            total.addForNode(n.labels(), w.term().topologyKey(), -w.weight());
          }
        }
        if (hardPodAffinityWeight > 0) {
          for (AffinityTerm t : existing.requiredAffinityTerms()) {
            if (existingTerms.selects(t)) {
              total.addForNode(n.labels(), t.topologyKey(), hardPodAffinityWeight);
            }
          }
        }
        for (AffinityTerm.Weighted w : existing.preferredAffinityTerms()) {
          if (existingTerms.selects(w.term())) {
            total.addForNode(n.labels(), w.term().topologyKey(), w.weight());
          }
        }
        for (AffinityTerm.Weighted w : existing.preferredAntiAffinityTerms()) {
          if (existingTerms.selects(w.term())) {
            total.addForNode(n.labels(), w.term().topologyKey(), -w.weight());
          }
        }
      }
    }
    if (total.isEmpty()) {
      return Status.SKIP;
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(total));
    return Status.SUCCESS;
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

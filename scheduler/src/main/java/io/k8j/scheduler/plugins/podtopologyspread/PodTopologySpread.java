package io.k8j.scheduler.plugins.podtopologyspread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
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
import io.k8j.scheduler.framework.Selector;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.helper.RequiredNodeAffinity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pod topology spread constraints, as upstream's PodTopologySpread: DoNotSchedule constraints
 * filter ({@code matching pods in the domain + 1 - global minimum <= maxSkew}), ScheduleAnyway
 * constraints score; pods without constraints get the cluster default constraints (System: hostname
 * maxSkew 3, zone maxSkew 5, both ScheduleAnyway) with the selector of their Services and
 * controller.
 */
public final class PodTopologySpread
    implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "PodTopologySpread";
  public static final String ERR_REASON_CONSTRAINTS_NOT_MATCH =
      "node(s) didn't match pod topology spread constraints";
  public static final String ERR_REASON_NODE_LABEL_NOT_MATCH =
      ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)";

  static final String DO_NOT_SCHEDULE = "DoNotSchedule";
  static final String SCHEDULE_ANYWAY = "ScheduleAnyway";

  static final List<TopologySpreadConstraint> SYSTEM_DEFAULT_CONSTRAINTS =
      List.of(
          new TopologySpreadConstraintBuilder()
              .withTopologyKey(Constraint.HOSTNAME)
              .withWhenUnsatisfiable(SCHEDULE_ANYWAY)
              .withMaxSkew(3)
              .build(),
          new TopologySpreadConstraintBuilder()
              .withTopologyKey(Constraint.ZONE)
              .withWhenUnsatisfiable(SCHEDULE_ANYWAY)
              .withMaxSkew(5)
              .build());

  private static final StateKey<PreFilterState> PRE_FILTER_KEY =
      StateKey.of("PreFilter" + NAME, PreFilterState.class);
  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  /** Per soft constraint, matching pods per domain, and the nodes left out of scoring. */
  record PreScoreState(
      List<Constraint> constraints,
      Set<String> ignoredNodes,
      List<Map<String, Long>> topologyValueToPodCounts,
      double[] topologyNormalizingWeight)
      implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  private final Handle handle;
  private final List<TopologySpreadConstraint> defaultConstraints;
  private final boolean systemDefaulted;

  private PodTopologySpread(
      Handle handle, List<TopologySpreadConstraint> defaults, boolean systemDefaulted) {
    this.handle = handle;
    this.defaultConstraints = defaults;
    this.systemDefaulted = systemDefaulted;
  }

  /** Args: {@code defaultingType} (System, default, or List) and {@code defaultConstraints}. */
  public static PodTopologySpread create(JsonNode args, Handle handle) {
    String type = args.path("defaultingType").asText("System");
    List<TopologySpreadConstraint> defaults;
    if ("System".equals(type)) {
      if (args.path("defaultConstraints").size() > 0) {
        throw new IllegalArgumentException(
            "defaultConstraints: Invalid value: when .defaultingType is \"System\", .defaultConstraints must be empty");
      }
      defaults = SYSTEM_DEFAULT_CONSTRAINTS;
    } else if ("List".equals(type)) {
      defaults = new ArrayList<>();
      ObjectMapper m = new ObjectMapper();
      JsonNode dc = args.path("defaultConstraints");
      for (int i = 0; i < dc.size(); i++) {
        TopologySpreadConstraint c = m.convertValue(dc.get(i), TopologySpreadConstraint.class);
        if (c.getLabelSelector() != null) {
          throw new IllegalArgumentException(
              "defaultConstraints["
                  + i
                  + "].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod");
        }
        if (c.getMaxSkew() == null || c.getMaxSkew() <= 0) {
          throw new IllegalArgumentException(
              "defaultConstraints[" + i + "].maxSkew: Invalid value: must be greater than zero");
        }
        defaults.add(c);
      }
    } else {
      throw new IllegalArgumentException(
          "defaultingType: Unsupported value: \""
              + type
              + "\": supported values: \"List\", \"System\"");
    }
    return new PodTopologySpread(handle, List.copyOf(defaults), "System".equals(type));
  }

  @Override
  public String name() {
    return NAME;
  }

  private List<Constraint> constraints(PodInfo pod, String action) {
    List<TopologySpreadConstraint> own = pod.pod().getSpec().getTopologySpreadConstraints();
    if (own != null && !own.isEmpty()) {
      return Constraint.filter(own, pod.labels(), action);
    }
    List<Constraint> defaults = Constraint.filter(defaultConstraints, pod.labels(), action);
    if (defaults.isEmpty()) {
      return defaults;
    }
    Selector sel = handle.objects().defaultSelector(pod);
    if (sel.isEverything()) {
      return List.of();
    }
    List<Constraint> out = new ArrayList<>(defaults.size());
    for (Constraint c : defaults) {
      out.add(c.withSelector(sel));
    }
    return out;
  }

  static int countMatching(List<PodInfo> pods, Selector selector, String namespace) {
    int n = 0;
    for (int i = 0; i < pods.size(); i++) {
      PodInfo p = pods.get(i);
      if (p.isTerminating() || !p.namespace().equals(namespace)) {
        continue;
      }
      if (selector.matches(p.labels())) {
        n++;
      }
    }
    return n;
  }

  // ---- filter ----

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    List<Constraint> constraints = constraints(pod, DO_NOT_SCHEDULE);
    if (constraints.isEmpty()) {
      return PreFilterResult.skip();
    }
    PreFilterState s = new PreFilterState(constraints);
    List<NodeInfo> nodes = handle.snapshot().list();
    RequiredNodeAffinity affinity = RequiredNodeAffinity.of(pod.pod());
    int[][] counts = new int[nodes.size()][];
    handle
        .parallelizer()
        .until(
            nodes.size(),
            n -> {
              NodeInfo ni = nodes.get(n);
              if (!Constraint.nodeHasAllKeys(ni.labels(), constraints)) {
                return;
              }
              int[] c = new int[constraints.size()];
              for (int i = 0; i < constraints.size(); i++) {
                Constraint con = constraints.get(i);
                if (!con.includes(pod.pod(), ni.name(), ni.labels(), ni.taints(), affinity)) {
                  c[i] = -1;
                  continue;
                }
                c[i] = countMatching(ni.pods(), con.selector(), pod.namespace());
              }
              counts[n] = c;
            });
    for (int n = 0; n < nodes.size(); n++) {
      if (counts[n] == null) {
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        if (counts[n][i] >= 0) {
          s.tpValueToMatchNum
              .get(i)
              .merge(
                  nodes.get(n).label(constraints.get(i).topologyKey()), counts[n][i], Integer::sum);
        }
      }
    }
    for (int i = 0; i < constraints.size(); i++) {
      PreFilterState.CriticalPaths paths = s.criticalPaths.get(i);
      s.tpValueToMatchNum.get(i).forEach(paths::update);
    }
    state.write(PRE_FILTER_KEY, s);
    return PreFilterResult.ok();
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return new PreFilterExtensions() {
      @Override
      public Status addPod(CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node) {
        updateWithPod(state.read(PRE_FILTER_KEY), toAdd, toSchedule, node, 1);
        return Status.SUCCESS;
      }

      @Override
      public Status removePod(
          CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node) {
        updateWithPod(state.read(PRE_FILTER_KEY), toRemove, toSchedule, node, -1);
        return Status.SUCCESS;
      }
    };
  }

  private static void updateWithPod(
      PreFilterState s, PodInfo updated, PodInfo preemptor, NodeInfo node, int delta) {
    if (!updated.namespace().equals(preemptor.namespace()) || node.node() == null) {
      return;
    }
    if (!Constraint.nodeHasAllKeys(node.labels(), s.constraints)) {
      return;
    }
    RequiredNodeAffinity affinity = RequiredNodeAffinity.of(preemptor.pod());
    for (int i = 0; i < s.constraints.size(); i++) {
      Constraint c = s.constraints.get(i);
      if (!c.selector().matches(updated.labels())) {
        continue;
      }
      if (!c.includes(preemptor.pod(), node.name(), node.labels(), node.taints(), affinity)) {
        continue;
      }
      s.add(i, node.label(c.topologyKey()), delta);
    }
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    PreFilterState s = state.read(PRE_FILTER_KEY);
    for (int i = 0; i < s.constraints.size(); i++) {
      Constraint c = s.constraints.get(i);
      String value = node.label(c.topologyKey());
      if (value == null) {
        return Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      }
      int min = s.minMatchNum(i);
      int self = c.selector().matches(pod.labels()) ? 1 : 0;
      int match = s.tpValueToMatchNum.get(i).getOrDefault(value, 0);
      if (match + self - min > c.maxSkew()) {
        return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
    }
    return Status.SUCCESS;
  }

  // ---- score ----

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> filtered) {
    List<NodeInfo> all = handle.snapshot().list();
    if (all.isEmpty()) {
      return Status.SKIP;
    }
    List<Constraint> constraints = constraints(pod, SCHEDULE_ANYWAY);
    if (constraints.isEmpty()) {
      return Status.SKIP;
    }
    boolean own =
        pod.pod().getSpec().getTopologySpreadConstraints() != null
            && !pod.pod().getSpec().getTopologySpreadConstraints().isEmpty();
    boolean requireAllTopologies = own || !systemDefaulted;
    Set<String> ignored = new HashSet<>();
    List<Map<String, Long>> counts = new ArrayList<>(constraints.size());
    int[] topoSize = new int[constraints.size()];
    for (int i = 0; i < constraints.size(); i++) {
      counts.add(new HashMap<>());
    }
    for (NodeInfo n : filtered) {
      if (requireAllTopologies && !Constraint.nodeHasAllKeys(n.labels(), constraints)) {
        ignored.add(n.name());
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        Constraint c = constraints.get(i);
        if (c.topologyKey().equals(Constraint.HOSTNAME)) {
          continue;
        }
        String v = n.label(c.topologyKey());
        if (v != null && counts.get(i).putIfAbsent(v, 0L) == null) {
          topoSize[i]++;
        }
      }
    }
    double[] weights = new double[constraints.size()];
    for (int i = 0; i < constraints.size(); i++) {
      int size =
          constraints.get(i).topologyKey().equals(Constraint.HOSTNAME)
              ? filtered.size() - ignored.size()
              : topoSize[i];
      weights[i] = Math.log(size + 2);
    }
    RequiredNodeAffinity affinity = RequiredNodeAffinity.of(pod.pod());
    long[][] perNode = new long[all.size()][];
    handle
        .parallelizer()
        .until(
            all.size(),
            n -> {
              NodeInfo ni = all.get(n);
              if (requireAllTopologies && !Constraint.nodeHasAllKeys(ni.labels(), constraints)) {
                return;
              }
              long[] c = new long[constraints.size()];
              for (int i = 0; i < constraints.size(); i++) {
                Constraint con = constraints.get(i);
                String v = ni.label(con.topologyKey());
                if (con.topologyKey().equals(Constraint.HOSTNAME)
                    || v == null
                    || !counts.get(i).containsKey(v)
                    || !con.includes(pod.pod(), ni.name(), ni.labels(), ni.taints(), affinity)) {
                  c[i] = -1;
                  continue;
                }
                c[i] = countMatching(ni.pods(), con.selector(), pod.namespace());
              }
              perNode[n] = c;
            });
    for (int n = 0; n < all.size(); n++) {
      if (perNode[n] == null) {
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        if (perNode[n][i] > 0) {
          counts
              .get(i)
              .merge(all.get(n).label(constraints.get(i).topologyKey()), perNode[n][i], Long::sum);
        }
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, counts, weights));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    PreScoreState s = state.read(PRE_SCORE_KEY);
    if (s.ignoredNodes().contains(node.name())) {
      return 0;
    }
    double score = 0;
    for (int i = 0; i < s.constraints().size(); i++) {
      Constraint c = s.constraints().get(i);
      String v = node.label(c.topologyKey());
      if (v == null) {
        continue;
      }
      long cnt;
      if (c.topologyKey().equals(Constraint.HOSTNAME)) {
        cnt = countMatching(node.pods(), c.selector(), pod.namespace());
      } else {
        cnt = s.topologyValueToPodCounts().get(i).getOrDefault(v, 0L);
      }
      score += cnt * s.topologyNormalizingWeight()[i] + (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, NodeScores scores) {
    PreScoreState s = state.find(PRE_SCORE_KEY);
    if (s == null) {
      return;
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    boolean[] ignored = new boolean[scores.size()];
    for (int i = 0; i < scores.size(); i++) {
      if (s.ignoredNodes().contains(scores.name(i))) {
        ignored[i] = true;
        continue;
      }
      min = Math.min(min, scores.score(i));
      max = Math.max(max, scores.score(i));
    }
    for (int i = 0; i < scores.size(); i++) {
      if (ignored[i]) {
        scores.set(i, 0);
      } else if (max == 0) {
        scores.set(i, MAX_NODE_SCORE);
      } else {
        scores.set(i, MAX_NODE_SCORE * (max + min - scores.score(i)) / max);
      }
    }
  }

  // ---- requeueing ----

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.ASSIGNED_POD,
            ActionType.ALL,
            (pod, oldObj, newObj) -> {
              List<Constraint> cs = new ArrayList<>(constraints(pod, DO_NOT_SCHEDULE));
              cs.addAll(constraints(pod, SCHEDULE_ANYWAY));
              for (Object o : new Object[] {oldObj, newObj}) {
                if (o instanceof Pod p && pod.namespace().equals(p.getMetadata().getNamespace())) {
                  Map<String, String> labels =
                      p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
                  for (Constraint c : cs) {
                    if (c.selector().matches(labels)) {
                      return QueueingHint.QUEUE;
                    }
                  }
                }
              }
              return QueueingHint.SKIP;
            }),
        ClusterEvent.WithHint.of(
            EventResource.NODE,
            ActionType.ADD
                | ActionType.DELETE
                | ActionType.UPDATE_NODE_LABEL
                | ActionType.UPDATE_NODE_TAINT));
  }
}

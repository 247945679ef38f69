package io.k8j.scheduler.plugins.nodeaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
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
import io.k8j.scheduler.plugins.helper.RequiredNodeAffinity;
import io.k8j.scheduler.plugins.helper.RequiredNodeAffinity.NodeSelectorMatcher;
import io.k8j.scheduler.plugins.helper.Scores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's {@code nodeSelector} and required node affinity (filter) and preferred node affinity
 * (score: the sum of the weights of the preferred terms a node matches).
 */
public final class NodeAffinity
    implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
  public static final String ERR_REASON_CONFLICT = "pod affinity terms conflict";

  private static final StateKey<PreFilterState> PRE_FILTER_KEY =
      StateKey.of("PreFilter" + NAME, PreFilterState.class);
  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  record PreFilterState(RequiredNodeAffinity required) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  record Preferred(NodeSelectorMatcher term, int weight) {}

  record PreScoreState(List<Preferred> preferred) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  public static NodeAffinity create(JsonNode args, Handle handle) {
    return new NodeAffinity();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    Affinity a = pod.pod().getSpec().getAffinity();
    boolean noNodeAffinity =
        a == null
            || a.getNodeAffinity() == null
            || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null;
    Map<String, String> sel = pod.pod().getSpec().getNodeSelector();
    if (noNodeAffinity && (sel == null || sel.isEmpty())) {
      return PreFilterResult.skip();
    }
    RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
    state.write(PRE_FILTER_KEY, new PreFilterState(required));
    if (noNodeAffinity) {
      return PreFilterResult.ok();
    }
    Set<String> names = required.pinnedNodeNames();
    if (names == null) {
      return PreFilterResult.ok();
    }
    if (names.isEmpty()) {
      return PreFilterResult.of(Status.unresolvable(ERR_REASON_CONFLICT));
    }
    return PreFilterResult.nodes(names);
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    RequiredNodeAffinity required = state.read(PRE_FILTER_KEY).required();
    if (required.matches(node.name(), node.labels())) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(ERR_REASON_POD);
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    Affinity a = pod.pod().getSpec().getAffinity();
    if (a == null
        || a.getNodeAffinity() == null
        || a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null
        || a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty()) {
      return Status.SKIP;
    }
    List<Preferred> preferred = new ArrayList<>();
    for (PreferredSchedulingTerm t :
        a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
      int w = t.getWeight() == null ? 0 : t.getWeight();
      NodeSelectorTerm term = t.getPreference();
      if (w == 0 || term == null) {
        continue;
      }
      preferred.add(
          new Preferred(
              NodeSelectorMatcher.of(
                  new io.fabric8.kubernetes.api.model.NodeSelector(List.of(term))),
              w));
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(preferred));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    long count = 0;
    for (Preferred p : state.read(PRE_SCORE_KEY).preferred()) {
      if (p.term().matches(node.name(), node.labels())) {
        count += p.weight();
      }
    }
    return count;
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, NodeScores scores) {
    Scores.defaultNormalize(MAX_NODE_SCORE, false, scores);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.NODE,
            ActionType.ADD | ActionType.UPDATE_NODE_LABEL,
            (pod, oldObj, newObj) -> {
              RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
              Node n = (Node) newObj;
              boolean matches = required.matches(n.getMetadata().getName(), labels(n));
              if (!matches) {
                return QueueingHint.SKIP;
              }
              if (oldObj instanceof Node o
                  && required.matches(o.getMetadata().getName(), labels(o))) {
                return QueueingHint.SKIP;
              }
              return QueueingHint.QUEUE;
            }));
  }

  private static Map<String, String> labels(Node n) {
    return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }
}

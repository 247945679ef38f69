package io.k8j.scheduler.plugins.tainttoleration;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
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
import io.k8j.scheduler.framework.PreScorePlugin;
import io.k8j.scheduler.framework.ScorePlugin;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.helper.Scores;
import io.k8j.scheduler.plugins.helper.Taints;
import java.util.ArrayList;
import java.util.List;

/**
 * Rejects nodes with NoSchedule or NoExecute taints the pod does not tolerate, and prefers nodes
 * with fewer untolerated PreferNoSchedule taints.
 */
public final class TaintToleration
    implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "TaintToleration";

  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  /** The pod's tolerations that can tolerate PreferNoSchedule taints. */
  record PreScoreState(List<Toleration> preferNoSchedule) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  public static TaintToleration create(JsonNode args, Handle handle) {
    return new TaintToleration();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    if (node.taints().isEmpty()) {
      return Status.SUCCESS;
    }
    Taint t =
        Taints.findUntolerated(
            node.taints(), pod.pod().getSpec().getTolerations(), Taints::blocksScheduling);
    if (t == null) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(
        "node(s) had untolerated taint {" + t.getKey() + ": " + nullToEmpty(t.getValue()) + "}");
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Toleration> tolerations = new ArrayList<>();
    List<Toleration> all = pod.pod().getSpec().getTolerations();
    if (all != null) {
      for (Toleration t : all) {
        if (t.getEffect() == null
            || t.getEffect().isEmpty()
            || Taints.PREFER_NO_SCHEDULE.equals(t.getEffect())) {
          tolerations.add(t);
        }
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(tolerations));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    List<Toleration> tolerations = state.read(PRE_SCORE_KEY).preferNoSchedule();
    long count = 0;
    for (Taint t : node.taints()) {
      if (Taints.PREFER_NO_SCHEDULE.equals(t.getEffect()) && !Taints.toleratedBy(t, tolerations)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, NodeScores scores) {
    Scores.defaultNormalize(MAX_NODE_SCORE, true, scores);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.NODE,
            ActionType.ADD | ActionType.UPDATE_NODE_TAINT,
            (pod, oldObj, newObj) -> {
              Node n = (Node) newObj;
              List<Taint> taints =
                  n.getSpec() == null || n.getSpec().getTaints() == null
                      ? List.of()
                      : n.getSpec().getTaints();
              Taint t =
                  Taints.findUntolerated(
                      taints, pod.pod().getSpec().getTolerations(), Taints::blocksScheduling);
              return t == null ? QueueingHint.QUEUE : QueueingHint.SKIP;
            }),
        ClusterEvent.WithHint.of(EventResource.POD, ActionType.UPDATE_POD_TOLERATIONS));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

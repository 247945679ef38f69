package io.k8j.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreScorePlugin;
import io.k8j.scheduler.framework.ScorePlugin;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import java.util.List;

/**
 * NodeResourcesBalancedAllocation: prefers nodes whose resources would be used evenly with the pod
 * on them: {@code (1 - standard deviation of the requested fractions) * 100}, as upstream.
 * Best-effort pods (no requests) are not scored.
 */
public final class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  public static final String NAME = "NodeResourcesBalancedAllocation";

  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  record PreScoreState(long[] podRequests) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  private final ResourceAllocationScorer scorer;

  private BalancedAllocation(List<ResourceSpec> resources) {
    this.scorer = new ResourceAllocationScorer(resources, true, BalancedAllocation::balanced);
  }

  /** Args: {@code resources} (default cpu and memory, weight 1). */
  public static BalancedAllocation create(JsonNode args, Handle handle) {
    return new BalancedAllocation(ResourceSpec.parse(args.path("resources"), "resources"));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    long[] req = scorer.podRequests(pod);
    boolean bestEffort = true;
    for (long r : req) {
      if (r != 0) {
        bestEffort = false;
        break;
      }
    }
    if (bestEffort) {
      return Status.SKIP;
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(req));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    PreScoreState s = state.find(PRE_SCORE_KEY);
    return scorer.score(node, s != null ? s.podRequests() : scorer.podRequests(pod));
  }

  static long balanced(long[] requested, long[] allocatable) {
    double total = 0;
    int n = 0;
    double[] fractions = new double[requested.length];
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      double f = Math.min(1.0, (double) requested[i] / allocatable[i]);
      fractions[n++] = f;
      total += f;
    }
    double std = 0;
    if (n == 2) {
      std = Math.abs((fractions[0] - fractions[1]) / 2);
    } else if (n > 2) {
      double mean = total / n;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (fractions[i] - mean) * (fractions[i] - mean);
      }
      std = Math.sqrt(sum / n);
    }
    return (long) ((1 - std) * MAX_NODE_SCORE);
  }
}

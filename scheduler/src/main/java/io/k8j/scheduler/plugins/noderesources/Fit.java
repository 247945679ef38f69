package io.k8j.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.ClusterEvent.QueueingHint;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreFilterPlugin;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.PreScorePlugin;
import io.k8j.scheduler.framework.Resource;
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
 * NodeResourcesFit: the pod's requests (containers, init containers, sidecars, overhead) against
 * each node's allocatable minus what its pods request (filter), and the scoring strategy (score).
 */
public final class Fit
    implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "NodeResourcesFit";

  private static final StateKey<PreFilterState> PRE_FILTER_KEY =
      StateKey.of("PreFilter" + NAME, PreFilterState.class);
  private static final StateKey<PreScoreState> PRE_SCORE_KEY =
      StateKey.of("PreScore" + NAME, PreScoreState.class);

  record PreFilterState(Resource requests) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  record PreScoreState(long[] podRequests) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  /** One resource the node lacks, as upstream's {@code InsufficientResource}. */
  public record InsufficientResource(
      String resource,
      String reason,
      long requested,
      long used,
      long capacity,
      boolean unresolvable) {}

  private final Set<String> ignoredResources;
  private final Set<String> ignoredResourceGroups;
  private final ResourceAllocationScorer scorer;

  Fit(Set<String> ignoredResources, Set<String> ignoredGroups, ResourceAllocationScorer scorer) {
    this.ignoredResources = ignoredResources;
    this.ignoredResourceGroups = ignoredGroups;
    this.scorer = scorer;
  }

  /**
   * Args: {@code ignoredResources}, {@code ignoredResourceGroups}, {@code scoringStrategy} ({@code
   * type}: LeastAllocated, MostAllocated, RequestedToCapacityRatio; {@code resources}).
   */
  public static Fit create(JsonNode args, Handle handle) {
    Set<String> ignored = new HashSet<>();
    args.path("ignoredResources").forEach(n -> ignored.add(n.asText()));
    Set<String> groups = new HashSet<>();
    args.path("ignoredResourceGroups").forEach(n -> groups.add(n.asText()));
    return new Fit(ignored, groups, ScoringStrategy.parse(args.path("scoringStrategy")));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    state.write(PRE_FILTER_KEY, new PreFilterState(pod.requests()));
    return PreFilterResult.ok();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    Resource req = state.read(PRE_FILTER_KEY).requests();
    List<InsufficientResource> insufficient = fits(req, node);
    if (insufficient.isEmpty()) {
      return Status.SUCCESS;
    }
    List<String> reasons = new ArrayList<>(insufficient.size());
    Status.Code code = Status.Code.UNSCHEDULABLE;
    for (InsufficientResource r : insufficient) {
      reasons.add(r.reason());
      if (r.unresolvable()) {
        code = Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
      }
    }
    return Status.of(code, reasons);
  }

  /**
   * What the node lacks for {@code req}; a resource the node does not have even empty is
   * unresolvable (preemption cannot help).
   */
  public List<InsufficientResource> fits(Resource req, NodeInfo node) {
    List<InsufficientResource> out = new ArrayList<>(2);
    long allowedPods = node.allocatable().allowedPodNumber();
    if (node.pods().size() + 1 > allowedPods) {
      out.add(
          new InsufficientResource(
              Resource.PODS, "Too many pods", 1, node.pods().size(), allowedPods, false));
    }
    if (req.isZero()) {
      return out;
    }
    Resource alloc = node.allocatable();
    Resource used = node.requested();
    check(out, Resource.CPU, "Insufficient cpu", req.milliCpu(), used.milliCpu(), alloc.milliCpu());
    check(out, Resource.MEMORY, "Insufficient memory", req.memory(), used.memory(), alloc.memory());
    check(
        out,
        Resource.EPHEMERAL_STORAGE,
        "Insufficient ephemeral-storage",
        req.ephemeralStorage(),
        used.ephemeralStorage(),
        alloc.ephemeralStorage());
    for (Map.Entry<String, Long> e : req.scalar().entrySet()) {
      String name = e.getKey();
      if (e.getValue() == 0 || ignored(name)) {
        continue;
      }
      check(out, name, "Insufficient " + name, e.getValue(), used.get(name), alloc.get(name));
    }
    return out;
  }

  private static void check(
      List<InsufficientResource> out,
      String name,
      String reason,
      long requested,
      long used,
      long capacity) {
    if (requested > 0 && capacity < requested + used) {
      out.add(
          new InsufficientResource(name, reason, requested, used, capacity, requested > capacity));
    }
  }

  private boolean ignored(String name) {
    if (!Resource.isExtended(name)) {
      return false;
    }
    if (ignoredResources.contains(name)) {
      return true;
    }
    int slash = name.indexOf('/');
    return slash > 0 && ignoredResourceGroups.contains(name.substring(0, slash));
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    state.write(PRE_SCORE_KEY, new PreScoreState(scorer.podRequests(pod)));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    PreScoreState s = state.find(PRE_SCORE_KEY);
    long[] podRequests = s != null ? s.podRequests() : scorer.podRequests(pod);
    return scorer.score(node, podRequests);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.ASSIGNED_POD,
            ActionType.DELETE | ActionType.UPDATE_POD_SCALE_DOWN,
            (pod, oldObj, newObj) -> {
              if (oldObj instanceof Pod freed && newObj == null) {
                return freesWhatPodNeeds(pod, PodInfo.of(freed))
                    ? QueueingHint.QUEUE
                    : QueueingHint.SKIP;
              }
              return QueueingHint.QUEUE;
            }),
        ClusterEvent.WithHint.of(
            EventResource.NODE,
            ActionType.ADD
                | ActionType.UPDATE_NODE_ALLOCATABLE
                | ActionType.UPDATE_NODE_TAINT
                | ActionType.UPDATE_NODE_LABEL,
            (pod, oldObj, newObj) -> {
              NodeInfo n = NodeInfo.of((Node) newObj);
              for (InsufficientResource r : fits(pod.requests(), n)) {
                if (!r.resource().equals(Resource.PODS)) {
                  return QueueingHint.SKIP;
                }
              }
              return QueueingHint.QUEUE;
            }));
  }

  /** Whether a deleted pod requested something the waiting pod asks for (or pods are short). */
  private static boolean freesWhatPodNeeds(PodInfo waiting, PodInfo deleted) {
    Resource want = waiting.requests();
    Resource had = deleted.requests();
    if (want.isZero()) {
      return true;
    }
    if (want.milliCpu() > 0 && had.milliCpu() > 0) {
      return true;
    }
    if (want.memory() > 0 && had.memory() > 0) {
      return true;
    }
    if (want.ephemeralStorage() > 0 && had.ephemeralStorage() > 0) {
      return true;
    }
    for (String name : want.scalar().keySet()) {
      if (had.get(name) > 0) {
        return true;
      }
    }
    return false;
  }
}

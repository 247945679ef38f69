package io.k8j.scheduler.plugins.defaultpreemption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Diagnosis;
import io.k8j.scheduler.framework.FitError;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeToStatus;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PostFilterPlugin;
import io.k8j.scheduler.framework.PostFilterResult;
import io.k8j.scheduler.framework.Selector;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.WaitingPod;
import io.k8j.scheduler.util.PodApi;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preemption, as upstream's DefaultPreemption: when no node fits a pod, find nodes where evicting
 * lower-priority pods would make it fit (with the fewest, least important victims, PodDisruption
 * Budgets respected where possible), pick one, evict its victims and nominate the node for the pod.
 */
public final class DefaultPreemption implements PostFilterPlugin {
  public static final String NAME = "DefaultPreemption";
  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";

  private static final Logger log = LoggerFactory.getLogger(DefaultPreemption.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Handle handle;
  private final int minCandidateNodesPercentage;
  private final int minCandidateNodesAbsolute;

  private DefaultPreemption(Handle handle, int pct, int abs) {
    this.handle = handle;
    this.minCandidateNodesPercentage = pct;
    this.minCandidateNodesAbsolute = abs;
  }

  /** Args: {@code minCandidateNodesPercentage} (10), {@code minCandidateNodesAbsolute} (100). */
  public static DefaultPreemption create(JsonNode args, Handle handle) {
    int pct = args.path("minCandidateNodesPercentage").asInt(10);
    int abs = args.path("minCandidateNodesAbsolute").asInt(100);
    if (pct < 0 || pct > 100) {
      throw new IllegalArgumentException(
          "minCandidateNodesPercentage: Invalid value: " + pct + ": not in valid range [0, 100]");
    }
    if (abs < 0) {
      throw new IllegalArgumentException(
          "minCandidateNodesAbsolute: Invalid value: " + abs + ": not in valid range [0, inf)");
    }
    if (pct == 0 && abs == 0) {
      throw new IllegalArgumentException(
          "minCandidateNodesPercentage and minCandidateNodesAbsolute cannot both be zero");
    }
    return new DefaultPreemption(handle, pct, abs);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PostFilterResult postFilter(CycleState state, PodInfo pod, NodeToStatus m) {
    PostFilterResult r = preempt(state, pod, m);
    String msg = r.status().message();
    if (!msg.isEmpty()) {
      return new PostFilterResult(
          Status.of(r.status().code(), "preemption: " + msg), r.nominatedNodeName());
    }
    return r;
  }

  private PostFilterResult preempt(CycleState state, PodInfo pod, NodeToStatus m) {
    Pod latest = handle.objects().pod(pod.namespace(), pod.name());
    if (latest != null) {
      pod = PodInfo.of(latest, pod.priority());
    }
    String notEligible = notEligibleReason(pod, m);
    if (notEligible != null) {
      return PostFilterResult.of(Status.unschedulable(notEligible));
    }
    List<NodeInfo> all = handle.snapshot().list();
    if (all.isEmpty()) {
      return PostFilterResult.of(Status.error("no nodes available"));
    }
    NodeToStatus statuses = new NodeToStatus();
    List<Candidate> candidates = findCandidates(state, pod, all, m, statuses);
    if (candidates.isEmpty()) {
      Diagnosis d = new Diagnosis();
      statuses.forEachExplicitNode(d.nodeToStatus()::set);
      d.nodeToStatus().setAbsentNodesStatus(Status.unresolvable(NOT_HELPFUL));
      FitError fe = new FitError(pod, all.size(), d);
      return new PostFilterResult(Status.unschedulable(fe.getMessage()), "");
    }
    Candidate best = CandidateSelection.pick(candidates);
    Status prepared = prepareCandidate(best, pod);
    if (!prepared.isSuccess()) {
      return PostFilterResult.of(prepared);
    }
    return new PostFilterResult(Status.SUCCESS, best.node());
  }

  /** Upstream's {@code PodEligibleToPreemptOthers}: null when eligible, else why not. */
  private String notEligibleReason(PodInfo pod, NodeToStatus m) {
    if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
      return "not eligible due to preemptionPolicy=Never.";
    }
    String nominated =
        pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
    if (nominated != null && !nominated.isEmpty()) {
      if (m.get(nominated).code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return null;
      }
      NodeInfo n = handle.snapshot().get(nominated);
      if (n != null) {
        for (PodInfo p : n.pods()) {
          if (p.priority() < pod.priority() && terminatingByPreemption(p.pod())) {
            return "not eligible due to a terminating pod on the nominated node.";
          }
        }
      }
    }
    return null;
  }

  private static boolean terminatingByPreemption(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() == null || p.getStatus() == null) {
      return false;
    }
    if (p.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("DisruptionTarget".equals(c.getType())) {
        return "True".equals(c.getStatus()) && "PreemptionByScheduler".equals(c.getReason());
      }
    }
    return false;
  }

  List<Candidate> findCandidates(
      CycleState state, PodInfo pod, List<NodeInfo> all, NodeToStatus m, NodeToStatus statuses) {
    List<NodeInfo> potential = m.nodesWithCode(all, Status.Code.UNSCHEDULABLE);
    if (potential.isEmpty()) {
      return List.of();
    }
    List<PodDisruptionBudget> pdbs = handle.objects().podDisruptionBudgets();
    int n = potential.size();
    int offset = ThreadLocalRandom.current().nextInt(n);
    int wanted =
        Math.min(n, Math.max(minCandidateNodesAbsolute, n * minCandidateNodesPercentage / 100));
    List<Candidate> nonViolating = Collections.synchronizedList(new ArrayList<>());
    List<Candidate> violating = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    final PodInfo preemptor = pod;
    handle
        .parallelizer()
        .until(
            n,
            i -> {
              NodeInfo node = potential.get((offset + i) % n).copy();
              CycleState s = state.copy();
              VictimSelection.Result r = selectVictims(s, preemptor, node, pdbs);
              if (r.status().isSuccess() && !r.victims().isEmpty()) {
                Candidate c = new Candidate(node.name(), r.victims(), r.pdbViolations());
                (c.pdbViolations() == 0 ? nonViolating : violating).add(c);
                if (!nonViolating.isEmpty() && nonViolating.size() + violating.size() >= wanted) {
                  stop.set(true);
                }
                return;
              }
              Status st = r.status();
              if (st.isSuccess()) {
                st = Status.error("expected at least one victim pod on node " + node.name());
              }
              statuses.set(node.name(), st);
            },
            stop);
    List<Candidate> out = new ArrayList<>(nonViolating);
    out.addAll(violating);
    return out;
  }

  private VictimSelection.Result selectVictims(
      CycleState state, PodInfo pod, NodeInfo node, List<PodDisruptionBudget> pdbs) {
    return new VictimSelection(handle).select(state, pod, node, pdbs);
  }

  /** Evicts the victims and clears the nominations of lower-priority pods on the node. */
  private Status prepareCandidate(Candidate c, PodInfo preemptor) {
    PodApi api = handle.podApi();
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (PodInfo victim : c.victims()) {
      if (victim.isTerminating()) {
        continue;
      }
      WaitingPod waiting = handle.waitingPod(victim.uid());
      if (waiting != null) {
        waiting.reject(NAME, "preempted");
        continue;
      }
      calls.add(evict(api, victim, preemptor, c.node()));
    }
    for (PodInfo nominated : handle.nominator().nominatedPodsForNode(c.node())) {
      if (nominated.priority() < preemptor.priority()) {
        ObjectNode status = JSON.createObjectNode();
        status.putNull("nominatedNodeName");
        calls.add(
            api.patchStatus(nominated.namespace(), nominated.name(), status)
                .exceptionally(
                    e -> {
                      log.warn(
                          "cannot clear the nominated node of {}: {}",
                          nominated.key(),
                          e.toString());
                      return null;
                    }));
      }
    }
    try {
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      return Status.SUCCESS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error("interrupted while preempting");
    } catch (ExecutionException e) {
      return Status.error(e.getCause() == null ? e : e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      return Status.error("preempting victims timed out");
    }
  }

  private CompletableFuture<Void> evict(
      PodApi api, PodInfo victim, PodInfo preemptor, String node) {
    PodCondition cond = new PodCondition();
    cond.setType("DisruptionTarget");
    cond.setStatus("True");
    cond.setReason("PreemptionByScheduler");
    cond.setMessage(schedulerName(preemptor) + ": preempting to accommodate a higher priority pod");
    ArrayNode conds = PodApi.conditionsWith(victim.pod(), cond, handle.clock().now());
    CompletableFuture<Void> patched =
        conds == null
            ? CompletableFuture.completedFuture(null)
            : api.patchStatus(
                victim.namespace(),
                victim.name(),
                (ObjectNode) JSON.createObjectNode().set("conditions", conds));
    return patched
        .thenCompose(v -> api.delete(victim.namespace(), victim.name(), victim.uid()))
        .handle(
            (v, e) -> {
              Throwable cause =
                  e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
              if (cause instanceof PodApi.ApiError ae && ae.isNotFound()) {
                return null;
              }
              if (cause != null) {
                throw new java.util.concurrent.CompletionException(cause);
              }
              handle
                  .events()
                  .event(
                      victim.pod(),
                      "Normal",
                      "Preempted",
                      "Preempting",
                      "Preempted by pod " + preemptor.uid() + " on node " + node);
              log.debug("{} preempted {} on {}", preemptor.key(), victim.key(), node);
              return null;
            });
  }

  private static String schedulerName(PodInfo p) {
    String s = p.pod().getSpec().getSchedulerName();
    return s == null || s.isEmpty() ? "default-scheduler" : s;
  }

  /** Whether a PDB selects the pod (a nil or empty selector selects nothing). */
  static boolean pdbSelects(PodDisruptionBudget pdb, PodInfo pod) {
    if (!pdb.getMetadata().getNamespace().equals(pod.namespace())
        || pdb.getSpec() == null
        || pdb.getSpec().getSelector() == null) {
      return false;
    }
    Selector s;
    try {
      s = Selector.of(pdb.getSpec().getSelector());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return !s.isEverything() && s.matches(pod.labels());
  }
}

package io.k8j.scheduler.plugins.defaultpreemption;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code SelectVictimsOnNode} on a copy of the node and the cycle state: remove every
 * lower-priority pod; if the preemptor then fits, add them back from the most important down
 * (PDB-protected ones first) as long as it still fits; the ones that cannot come back are the
 * victims.
 */
final class VictimSelection {
  record Result(List<PodInfo> victims, int pdbViolations, Status status) {}

  private final Handle handle;

  VictimSelection(Handle handle) {
    this.handle = handle;
  }

  Result select(CycleState state, PodInfo pod, NodeInfo node, List<PodDisruptionBudget> pdbs) {
    List<PodInfo> potential = new ArrayList<>();
    for (PodInfo p : node.pods()) {
      if (p.priority() < pod.priority()) {
        potential.add(p);
      }
    }
    for (PodInfo p : potential) {
      node.removePod(p);
      Status s = handle.runPreFilterExtensionRemovePod(state, pod, p, node);
      if (!s.isSuccess()) {
        return new Result(List.of(), 0, s);
      }
    }
    if (potential.isEmpty()) {
      return new Result(List.of(), 0, Status.unresolvable(DefaultPreemption.NO_VICTIMS));
    }
    Status fits = handle.runFilterPluginsWithNominatedPods(state, pod, node);
    if (!fits.isSuccess()) {
      return new Result(List.of(), 0, fits);
    }
    potential.sort(CandidateSelection::byImportance);
    List<PodInfo> violating = new ArrayList<>();
    List<PodInfo> nonViolating = new ArrayList<>();
    splitByPdbViolation(potential, pdbs, violating, nonViolating);
    List<PodInfo> victims = new ArrayList<>();
    int violations = 0;
    for (PodInfo p : violating) {
      Boolean stays = reprieve(state, pod, node, p, victims);
      if (stays == null) {
        return new Result(List.of(), 0, Status.error("reprieving " + p.key()));
      }
      if (!stays) {
        violations++;
      }
    }
    for (PodInfo p : nonViolating) {
      if (reprieve(state, pod, node, p, victims) == null) {
        return new Result(List.of(), 0, Status.error("reprieving " + p.key()));
      }
    }
    if (!violating.isEmpty() && !nonViolating.isEmpty()) {
      victims.sort(CandidateSelection::byImportance);
    }
    return new Result(victims, violations, Status.SUCCESS);
  }

  /** Puts {@code p} back; if the preemptor no longer fits, takes it out again as a victim. */
  private Boolean reprieve(
      CycleState state, PodInfo pod, NodeInfo node, PodInfo p, List<PodInfo> victims) {
    node.addPod(p);
    if (!handle.runPreFilterExtensionAddPod(state, pod, p, node).isSuccess()) {
      return null;
    }
    if (handle.runFilterPluginsWithNominatedPods(state, pod, node).isSuccess()) {
      return true;
    }
    node.removePod(p);
    if (!handle.runPreFilterExtensionRemovePod(state, pod, p, node).isSuccess()) {
      return null;
    }
    victims.add(p);
    return false;
  }

  /** Upstream's {@code filterPodsWithPDBViolation}, order kept. */
  static void splitByPdbViolation(
      List<PodInfo> pods,
      List<PodDisruptionBudget> pdbs,
      List<PodInfo> violating,
      List<PodInfo> nonViolating) {
    int[] allowed = new int[pdbs.size()];
    for (int i = 0; i < pdbs.size(); i++) {
      PodDisruptionBudget pdb = pdbs.get(i);
      allowed[i] =
          pdb.getStatus() == null || pdb.getStatus().getDisruptionsAllowed() == null
              ? 0
              : pdb.getStatus().getDisruptionsAllowed();
    }
    for (PodInfo p : pods) {
      boolean violated = false;
      if (!p.labels().isEmpty()) {
        for (int i = 0; i < pdbs.size(); i++) {
          PodDisruptionBudget pdb = pdbs.get(i);
          if (!DefaultPreemption.pdbSelects(pdb, p)) {
            continue;
          }
          if (pdb.getStatus() != null
              && pdb.getStatus().getDisruptedPods() != null
              && pdb.getStatus().getDisruptedPods().containsKey(p.name())) {
            continue;
          }
          allowed[i]--;
          if (allowed[i] < 0) {
            violated = true;
          }
        }
      }
      (violated ? violating : nonViolating).add(p);
    }
  }
}

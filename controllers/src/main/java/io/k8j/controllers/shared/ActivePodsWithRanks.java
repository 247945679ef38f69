package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order in which a controller deletes its pods, first to go first: upstream's {@code
 * ActivePodsWithRanks.Less} with logarithmic scale-down.
 *
 * <ol>
 *   <li>unscheduled before scheduled;
 *   <li>Pending before Unknown before Running;
 *   <li>not ready before ready;
 *   <li>lower {@code controller.kubernetes.io/pod-deletion-cost} first;
 *   <li>more pods of the same owner on its node (higher rank) first;
 *   <li>ready for less time first (log2 buckets);
 *   <li>more container restarts first;
 *   <li>newer first (log2 buckets), then by uid.
 * </ol>
 */
public final class ActivePodsWithRanks implements Comparator<Pod> {
  public static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  private final Map<Pod, Integer> ranks;
  private final Instant now;

  /**
   * @param ranks the rank of each pod (identity map); pods absent have rank 0
   */
  public ActivePodsWithRanks(Map<Pod, Integer> ranks, Instant now) {
    this.ranks = ranks;
    this.now = now;
  }

  @Override
  public int compare(Pod a, Pod b) {
    boolean aAssigned = !PodStatuses.nodeName(a).isEmpty();
    boolean bAssigned = !PodStatuses.nodeName(b).isEmpty();
    if (aAssigned != bAssigned) {
      return aAssigned ? 1 : -1;
    }
    int pa = phaseOrder(a);
    int pb = phaseOrder(b);
    if (pa != pb) {
      return Integer.compare(pa, pb);
    }
    boolean ra = PodStatuses.isReady(a);
    boolean rb = PodStatuses.isReady(b);
    if (ra != rb) {
      return ra ? 1 : -1;
    }
    int ca = deletionCost(a);
    int cb = deletionCost(b);
    if (ca != cb) {
      return Integer.compare(ca, cb);
    }
    int rankA = ranks.getOrDefault(a, 0);
    int rankB = ranks.getOrDefault(b, 0);
    if (rankA != rankB) {
      return Integer.compare(rankB, rankA);
    }
    if (ra) {
      Instant ta = PodStatuses.readyTime(a);
      Instant tb = PodStatuses.readyTime(b);
      if (ta != null && tb != null && !ta.equals(tb)) {
        int byAge = logarithmicOrder(ta, tb, a, b);
        if (byAge != 0) {
          return byAge;
        }
      }
    }
    int restartsA = maxRestarts(a);
    int restartsB = maxRestarts(b);
    if (restartsA != restartsB) {
      return Integer.compare(restartsB, restartsA);
    }
    Instant ta = Times.parse(a.getMetadata().getCreationTimestamp());
    Instant tb = Times.parse(b.getMetadata().getCreationTimestamp());
    if (ta == null || tb == null) {
      return ta == tb ? 0 : ta == null ? -1 : 1;
    }
    if (!ta.equals(tb)) {
      return logarithmicOrder(ta, tb, a, b);
    }
    return 0;
  }

  /** Newer first, comparing the log2 of the ages; equal buckets are ordered by uid. */
  private int logarithmicOrder(Instant ta, Instant tb, Pod a, Pod b) {
    long diff = logRank(ta) - logRank(tb);
    if (diff == 0) {
      return uid(a).compareTo(uid(b));
    }
    return diff < 0 ? -1 : 1;
  }

  private long logRank(Instant t) {
    long d = Duration.between(t, now).toNanos();
    return d > 0 ? (long) (Math.log(d) / Math.log(2)) : -1;
  }

  private static String uid(Pod p) {
    return p.getMetadata().getUid() == null ? "" : p.getMetadata().getUid();
  }

  private static int phaseOrder(Pod p) {
    return switch (PodStatuses.phase(p)) {
      case "Pending", "" -> 0;
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 3;
    };
  }

  static int deletionCost(Pod p) {
    Map<String, String> ann = p.getMetadata().getAnnotations();
    if (ann == null || !ann.containsKey(DELETION_COST)) {
      return 0;
    }
    try {
      return Integer.parseInt(ann.get(DELETION_COST));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int maxRestarts(Pod p) {
    int max = 0;
    if (p.getStatus() != null) {
      for (List<ContainerStatus> list :
          List.of(
              nonNull(p.getStatus().getContainerStatuses()),
              nonNull(p.getStatus().getInitContainerStatuses()))) {
        for (ContainerStatus s : list) {
          max = Math.max(max, s.getRestartCount() == null ? 0 : s.getRestartCount());
        }
      }
    }
    return max;
  }

  private static <E> List<E> nonNull(List<E> l) {
    return l == null ? List.of() : l;
  }
}

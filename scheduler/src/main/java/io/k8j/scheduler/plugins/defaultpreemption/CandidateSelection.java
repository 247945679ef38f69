package io.k8j.scheduler.plugins.defaultpreemption;

import io.k8j.scheduler.framework.PodInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Upstream's {@code pickOneNodeForPreemption}: the candidate with the fewest PDB violations, then
 * the lowest highest-priority victim, the smallest sum of priorities, the fewest victims, the
 * latest start of its highest-priority victims; the first one left wins.
 */
final class CandidateSelection {
  private CandidateSelection() {}

  static Candidate pick(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return null;
    }
    List<ToLongFunction<Candidate>> scores =
        List.of(
            c -> -c.pdbViolations(),
            c -> -(long) c.victims().get(0).priority(),
            c -> {
              long sum = 0;
              for (PodInfo p : c.victims()) {
                sum += (long) p.priority() + Integer.MAX_VALUE + 1L;
              }
              return -sum;
            },
            c -> -(long) c.victims().size(),
            c -> {
              Instant earliest = earliestStartOfHighestPriority(c.victims());
              return earliest == null ? Long.MIN_VALUE : earliest.toEpochMilli();
            });
    List<Candidate> remaining = candidates;
    for (ToLongFunction<Candidate> f : scores) {
      long max = Long.MIN_VALUE;
      List<Candidate> best = new ArrayList<>();
      for (Candidate c : remaining) {
        long s = f.applyAsLong(c);
        if (s > max) {
          max = s;
          best.clear();
        }
        if (s == max) {
          best.add(c);
        }
      }
      if (best.size() == 1) {
        return best.get(0);
      }
      remaining = best;
    }
    return remaining.get(0);
  }

  private static Instant earliestStartOfHighestPriority(List<PodInfo> victims) {
    int highest = Integer.MIN_VALUE;
    for (PodInfo p : victims) {
      highest = Math.max(highest, p.priority());
    }
    Instant earliest = null;
    for (PodInfo p : victims) {
      if (p.priority() != highest) {
        continue;
      }
      Instant t = startTime(p);
      if (earliest == null || t.isBefore(earliest)) {
        earliest = t;
      }
    }
    return earliest;
  }

  static Instant startTime(PodInfo p) {
    String s = p.pod().getStatus() == null ? null : p.pod().getStatus().getStartTime();
    if (s == null || s.isEmpty()) {
      return Instant.now();
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }

  /** Upstream's {@code MoreImportantPod}: higher priority, then started earlier. */
  static int byImportance(PodInfo a, PodInfo b) {
    if (a.priority() != b.priority()) {
      return Integer.compare(b.priority(), a.priority());
    }
    return startTime(a).compareTo(startTime(b));
  }
}

package io.k8j.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Completion indexes of Indexed Jobs: the pod annotation that carries one, and the compressed form
 * of {@code status.completedIndexes} ({@code "0-2,5"}), as upstream's {@code indexed_job_utils}.
 */
final class CompletionIndexes {
  static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";

  private CompletionIndexes() {}

  /** The pod's index, or -1. */
  static int of(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(ANNOTATION);
    if (v == null) {
      return -1;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static TreeSet<Integer> parse(String s) {
    TreeSet<Integer> out = new TreeSet<>();
    if (s == null || s.isEmpty()) {
      return out;
    }
    for (String part : s.split(",")) {
      int dash = part.indexOf('-');
      if (dash < 0) {
        out.add(Integer.parseInt(part));
      } else {
        int from = Integer.parseInt(part.substring(0, dash));
        int to = Integer.parseInt(part.substring(dash + 1));
        for (int i = from; i <= to; i++) {
          out.add(i);
        }
      }
    }
    return out;
  }

  static String format(TreeSet<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (start == null) {
        start = i;
      } else if (i != prev + 1) {
        parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
        start = i;
      }
      prev = i;
    }
    if (start != null) {
      parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
    }
    return String.join(",", parts);
  }
}

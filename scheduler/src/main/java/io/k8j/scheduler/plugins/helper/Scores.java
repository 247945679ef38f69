package io.k8j.scheduler.plugins.helper;

import io.k8j.scheduler.framework.NodeScores;

/** Score normalizations shared by plugins, as upstream's {@code helper.DefaultNormalizeScore}. */
public final class Scores {
  private Scores() {}

  /**
   * Scales scores to [0, maxPriority] by the highest one; reversed, the highest raw score gets 0.
   * All zero: reversed, every node gets maxPriority; otherwise they stay 0.
   */
  public static void defaultNormalize(long maxPriority, boolean reverse, NodeScores scores) {
    long max = 0;
    for (int i = 0; i < scores.size(); i++) {
      max = Math.max(max, scores.score(i));
    }
    if (max == 0) {
      if (reverse) {
        for (int i = 0; i < scores.size(); i++) {
          scores.set(i, maxPriority);
        }
      }
      return;
    }
    for (int i = 0; i < scores.size(); i++) {
      long s = maxPriority * scores.score(i) / max;
      scores.set(i, reverse ? maxPriority - s : s);
    }
  }
}

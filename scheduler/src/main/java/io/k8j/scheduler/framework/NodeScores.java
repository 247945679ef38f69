package io.k8j.scheduler.framework;

import java.util.List;

/** One plugin's scores for the feasible nodes, in the order of {@link #node(int)}. */
public final class NodeScores {
  private final List<NodeInfo> nodes;
  private final long[] scores;

  public NodeScores(List<NodeInfo> nodes, long[] scores) {
    this.nodes = nodes;
    this.scores = scores;
  }

  public int size() {
    return scores.length;
  }

  public NodeInfo node(int i) {
    return nodes.get(i);
  }

  public String name(int i) {
    return nodes.get(i).name();
  }

  public long score(int i) {
    return scores[i];
  }

  public void set(int i, long score) {
    scores[i] = score;
  }

  public long[] raw() {
    return scores;
  }
}

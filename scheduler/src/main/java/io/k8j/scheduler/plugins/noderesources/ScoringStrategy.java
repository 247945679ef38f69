package io.k8j.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.scheduler.framework.ScorePlugin;
import java.util.ArrayList;
import java.util.List;

/**
 * NodeResourcesFit's {@code scoringStrategy}: LeastAllocated (default; spread), MostAllocated (bin
 * packing) or RequestedToCapacityRatio (a broken-line function of utilization), as upstream.
 */
final class ScoringStrategy {
  static final String LEAST_ALLOCATED = "LeastAllocated";
  static final String MOST_ALLOCATED = "MostAllocated";
  static final String REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio";

  private ScoringStrategy() {}

  static ResourceAllocationScorer parse(JsonNode strategy) {
    String type = strategy.path("type").asText(LEAST_ALLOCATED);
    List<ResourceSpec> resources =
        ResourceSpec.parse(strategy.path("resources"), "scoringStrategy.resources");
    ResourceAllocationScorer.Function f =
        switch (type) {
          case LEAST_ALLOCATED -> weighted(resources, ScoringStrategy::leastRequested);
          case MOST_ALLOCATED -> weighted(resources, ScoringStrategy::mostRequested);
          case REQUESTED_TO_CAPACITY_RATIO ->
              requestedToCapacityRatio(
                  resources, strategy.path("requestedToCapacityRatio").path("shape"));
          default ->
              throw new IllegalArgumentException(
                  "scoringStrategy.type: Unsupported value: \""
                      + type
                      + "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
        };
    return new ResourceAllocationScorer(resources, false, f);
  }

  private interface PerResource {
    long score(long requested, long capacity);
  }

  private static ResourceAllocationScorer.Function weighted(
      List<ResourceSpec> resources, PerResource f) {
    return (requested, allocatable) -> {
      long nodeScore = 0;
      long weightSum = 0;
      for (int i = 0; i < requested.length; i++) {
        if (allocatable[i] == 0) {
          continue;
        }
        long w = resources.get(i).weight();
        nodeScore += f.score(requested[i], allocatable[i]) * w;
        weightSum += w;
      }
      return weightSum == 0 ? 0 : nodeScore / weightSum;
    };
  }

  /** The unused share of the node: (capacity - requested) * 100 / capacity. */
  static long leastRequested(long requested, long capacity) {
    if (capacity == 0 || requested > capacity) {
      return 0;
    }
    return (capacity - requested) * ScorePlugin.MAX_NODE_SCORE / capacity;
  }

  /** The used share of the node: requested * 100 / capacity (requested capped at capacity). */
  static long mostRequested(long requested, long capacity) {
    if (capacity == 0) {
      return 0;
    }
    if (requested > capacity) {
      requested = capacity;
    }
    return requested * ScorePlugin.MAX_NODE_SCORE / capacity;
  }

  private record Point(long utilization, long score) {}

  private static ResourceAllocationScorer.Function requestedToCapacityRatio(
      List<ResourceSpec> resources, JsonNode shapeNode) {
    List<Point> shape = new ArrayList<>();
    for (int i = 0; i < shapeNode.size(); i++) {
      long u = shapeNode.get(i).path("utilization").asLong();
      long s = shapeNode.get(i).path("score").asLong();
      if (u < 0 || u > 100 || s < 0 || s > 10) {
        throw new IllegalArgumentException(
            "scoringStrategy.requestedToCapacityRatio.shape["
                + i
                + "]: utilization must be in [0, 100] and score in [0, 10]");
      }
      if (!shape.isEmpty() && u <= shape.getLast().utilization()) {
        throw new IllegalArgumentException(
            "scoringStrategy.requestedToCapacityRatio.shape["
                + i
                + "].utilization: Invalid value: utilization values must be sorted in increasing order");
      }
      shape.add(new Point(u, s * (ScorePlugin.MAX_NODE_SCORE / 10)));
    }
    if (shape.isEmpty()) {
      throw new IllegalArgumentException(
          "scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified");
    }
    PerResource raw =
        (requested, capacity) -> {
          long p = capacity == 0 || requested > capacity ? 100 : requested * 100 / capacity;
          for (int i = 0; i < shape.size(); i++) {
            if (p <= shape.get(i).utilization()) {
              if (i == 0) {
                return shape.get(0).score();
              }
              Point a = shape.get(i - 1);
              Point b = shape.get(i);
              return a.score()
                  + (b.score() - a.score())
                      * (p - a.utilization())
                      / (b.utilization() - a.utilization());
            }
          }
          return shape.getLast().score();
        };
    return (requested, allocatable) -> {
      long nodeScore = 0;
      long weightSum = 0;
      for (int i = 0; i < requested.length; i++) {
        if (allocatable[i] == 0) {
          continue;
        }
        long w = resources.get(i).weight();
        long s = raw.score(requested[i], allocatable[i]);
        if (s > 0) {
          nodeScore += s * w;
          weightSum += w;
        }
      }
      return weightSum == 0 ? 0 : Math.round((double) nodeScore / weightSum);
    };
  }
}

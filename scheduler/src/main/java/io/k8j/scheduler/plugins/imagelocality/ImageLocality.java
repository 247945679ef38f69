package io.k8j.scheduler.plugins.imagelocality;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.ImageStateSummary;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.ScorePlugin;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefers nodes that already have the pod's images, weighing each image by its size and by how
 * widely it is spread (to avoid piling pods onto the few nodes with a rare image), as upstream.
 */
public final class ImageLocality implements ScorePlugin {
  public static final String NAME = "ImageLocality";

  private static final long MB = 1024L * 1024;
  static final long MIN_THRESHOLD = 23 * MB;
  static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

  private final Handle handle;

  private ImageLocality(Handle handle) {
    this.handle = handle;
  }

  public static ImageLocality create(JsonNode args, Handle handle) {
    return new ImageLocality(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    int totalNodes = handle.snapshot().list().size();
    List<Container> containers = new ArrayList<>();
    if (pod.pod().getSpec().getInitContainers() != null) {
      containers.addAll(pod.pod().getSpec().getInitContainers());
    }
    if (pod.pod().getSpec().getContainers() != null) {
      containers.addAll(pod.pod().getSpec().getContainers());
    }
    long sum = 0;
    if (!node.imageStates().isEmpty() && totalNodes > 0) {
      for (Container c : containers) {
        ImageStateSummary s = node.imageStates().get(normalizedImageName(c.getImage()));
        if (s != null) {
          double spread = (double) s.numNodes() / totalNodes;
          sum += (long) (s.sizeBytes() * spread);
        }
      }
    }
    return calculatePriority(sum, containers.size());
  }

  static long calculatePriority(long sumScores, int numContainers) {
    long maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
    if (sumScores < MIN_THRESHOLD) {
      sumScores = MIN_THRESHOLD;
    } else if (sumScores > maxThreshold) {
      sumScores = maxThreshold;
    }
    if (maxThreshold == MIN_THRESHOLD) {
      return 0;
    }
    return MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
  }

  /** Adds {@code :latest} to an image without a tag or digest, as node status reports it. */
  static String normalizedImageName(String name) {
    if (name == null) {
      return "";
    }
    if (name.lastIndexOf(':') <= name.lastIndexOf('/')) {
      return name + ":latest";
    }
    return name;
  }
}

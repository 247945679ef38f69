package io.k8j.scheduler.queue;

import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.List;

/** What the queue asks the pod's profile: may the pod enter, and which events concern a plugin. */
public interface QueueingPolicy {
  /** The profile's pre-enqueue verdict for the pod. */
  Status preEnqueue(PodInfo pod);

  /** The events {@code plugin} of the pod's profile registered; null when it is unknown. */
  List<ClusterEvent.WithHint> eventsFor(PodInfo pod, String plugin);

  /** Lets every pod in and requeues on every event: for tests of the queue alone. */
  QueueingPolicy ALWAYS =
      new QueueingPolicy() {
        @Override
        public Status preEnqueue(PodInfo pod) {
          return Status.SUCCESS;
        }

        @Override
        public List<ClusterEvent.WithHint> eventsFor(PodInfo pod, String plugin) {
          return null;
        }
      };
}

package io.k8j.scheduler.framework;

/**
 * A change in the cluster that may make pods schedulable, as upstream's {@code ClusterEvent}: the
 * kind of object and what happened to it (a bit set of {@link ActionType}s).
 */
public record ClusterEvent(EventResource resource, int actions, String label) {
  /** The kinds of objects whose changes the scheduling queue reacts to. */
  public enum EventResource {
    /** An unscheduled pod's own change. */
    POD,
    /** A pod bound to a node (or assumed). */
    ASSIGNED_POD,
    NODE,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    STORAGE_CLASS,
    /** Not an object: a timer or an explicit activation; every pod moves. */
    WILDCARD
  }

  /** The actions, as bits, as upstream's {@code ActionType}. */
  public static final class ActionType {
    private ActionType() {}

    public static final int ADD = 1;
    public static final int DELETE = 1 << 1;
    public static final int UPDATE_NODE_ALLOCATABLE = 1 << 2;
    public static final int UPDATE_NODE_LABEL = 1 << 3;
    public static final int UPDATE_NODE_TAINT = 1 << 4;
    public static final int UPDATE_NODE_CONDITION = 1 << 5;
    public static final int UPDATE_NODE_ANNOTATION = 1 << 6;
    public static final int UPDATE_POD_LABEL = 1 << 7;
    public static final int UPDATE_POD_SCALE_DOWN = 1 << 8;
    public static final int UPDATE_POD_TOLERATIONS = 1 << 9;
    public static final int UPDATE_POD_SCHEDULING_GATES_ELIMINATED = 1 << 10;
    public static final int UPDATE_OTHER = 1 << 11;

    public static final int UPDATE =
        UPDATE_NODE_ALLOCATABLE
            | UPDATE_NODE_LABEL
            | UPDATE_NODE_TAINT
            | UPDATE_NODE_CONDITION
            | UPDATE_NODE_ANNOTATION
            | UPDATE_POD_LABEL
            | UPDATE_POD_SCALE_DOWN
            | UPDATE_POD_TOLERATIONS
            | UPDATE_POD_SCHEDULING_GATES_ELIMINATED
            | UPDATE_OTHER;
    public static final int ALL = ADD | DELETE | UPDATE;
  }

  public static final ClusterEvent NODE_ADD =
      new ClusterEvent(EventResource.NODE, ActionType.ADD, "NodeAdd");
  public static final ClusterEvent NODE_DELETE =
      new ClusterEvent(EventResource.NODE, ActionType.DELETE, "NodeDelete");
  public static final ClusterEvent ASSIGNED_POD_ADD =
      new ClusterEvent(EventResource.ASSIGNED_POD, ActionType.ADD, "AssignedPodAdd");
  public static final ClusterEvent ASSIGNED_POD_DELETE =
      new ClusterEvent(EventResource.ASSIGNED_POD, ActionType.DELETE, "AssignedPodDelete");
  public static final ClusterEvent UNSCHEDULABLE_TIMEOUT =
      new ClusterEvent(EventResource.WILDCARD, ActionType.ALL, "UnschedulableTimeout");
  public static final ClusterEvent FORCE_ACTIVATE =
      new ClusterEvent(EventResource.WILDCARD, ActionType.ALL, "ForceActivate");

  public static ClusterEvent of(EventResource resource, int actions) {
    return new ClusterEvent(resource, actions, resource + "/" + actions);
  }

  /** Whether a plugin registered for {@code registered} wants to hear of this event. */
  public boolean matches(ClusterEvent registered) {
    if (resource == EventResource.WILDCARD) {
      return true;
    }
    return registered.resource == resource && (registered.actions & actions) != 0;
  }

  /** What a plugin says about an event for a pod it rejected. */
  public enum QueueingHint {
    /** The event may make the pod schedulable: requeue it. */
    QUEUE,
    /** The event does not concern the pod. */
    SKIP
  }

  /**
   * Decides whether an event concerns a pod the plugin rejected ({@code oldObj} null on add, {@code
   * newObj} null on delete).
   */
  @FunctionalInterface
  public interface QueueingHintFunction {
    QueueingHint hint(PodInfo pod, Object oldObj, Object newObj);
  }

  /** An event a plugin registers for, with an optional hint (null: always requeue). */
  public record WithHint(ClusterEvent event, QueueingHintFunction hint) {
    public static WithHint of(EventResource resource, int actions) {
      return new WithHint(ClusterEvent.of(resource, actions), null);
    }

    public static WithHint of(
        EventResource resource, int actions, QueueingHintFunction hintFunction) {
      return new WithHint(ClusterEvent.of(resource, actions), hintFunction);
    }
  }
}

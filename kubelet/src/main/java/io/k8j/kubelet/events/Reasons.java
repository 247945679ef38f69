package io.k8j.kubelet.events;

/** Upstream's event reasons (pkg/kubelet/events). */
public final class Reasons {
  public static final String PULLING = "Pulling";
  public static final String PULLED = "Pulled";
  public static final String FAILED = "Failed";
  public static final String BACK_OFF = "BackOff";
  public static final String CREATED = "Created";
  public static final String STARTED = "Started";
  public static final String KILLING = "Killing";
  public static final String UNHEALTHY = "Unhealthy";
  public static final String FAILED_MOUNT = "FailedMount";
  public static final String SANDBOX_CHANGED = "SandboxChanged";
  public static final String FAILED_CREATE_POD_SANDBOX = "FailedCreatePodSandBox";
  public static final String FAILED_POST_START_HOOK = "FailedPostStartHook";
  public static final String FAILED_PRE_STOP_HOOK = "FailedPreStopHook";
  public static final String EXCEEDED_GRACE_PERIOD = "ExceededGracePeriod";
  public static final String STARTING = "Starting";
  public static final String NODE_READY = "NodeReady";
  public static final String NODE_HAS_SUFFICIENT_MEMORY = "NodeHasSufficientMemory";
  public static final String NODE_HAS_NO_DISK_PRESSURE = "NodeHasNoDiskPressure";
  public static final String NODE_HAS_SUFFICIENT_PID = "NodeHasSufficientPID";
  public static final String NODE_ALLOCATABLE_ENFORCED = "NodeAllocatableEnforced";
  public static final String REGISTERED_NODE = "RegisteredNode";
  public static final String EVICTED = "Evicted";
  public static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";
  public static final String INSPECT_FAILED = "InspectFailed";

  private Reasons() {}
}

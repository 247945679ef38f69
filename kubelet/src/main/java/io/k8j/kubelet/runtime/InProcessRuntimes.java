package io.k8j.kubelet.runtime;

import io.k8j.common.Clock;
import io.k8j.cri.v1.RuntimeCondition;
import io.k8j.cri.v1.RuntimeStatus;
import io.k8j.cri.v1.StatusResponse;
import io.k8j.cri.v1.VersionResponse;
import java.time.Instant;

/**
 * What the runtimes k8j implements itself (process, simulated) answer alike: their version, a
 * status that is always ready, and the timestamps of their sandboxes and containers.
 */
public final class InProcessRuntimes {
  private InProcessRuntimes() {}

  /** The CRI version answer of a runtime named {@code name}. */
  public static VersionResponse version(String name) {
    return VersionResponse.newBuilder()
        .setVersion("0.1.0")
        .setRuntimeName(name)
        .setRuntimeVersion("0.1.0")
        .setRuntimeApiVersion("v1")
        .build();
  }

  /** RuntimeReady and NetworkReady. */
  public static StatusResponse ready() {
    return StatusResponse.newBuilder()
        .setStatus(
            RuntimeStatus.newBuilder()
                .addConditions(
                    RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true))
                .addConditions(
                    RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(true)))
        .build();
  }

  /**
   * Nanoseconds since the epoch on a clock, strictly increasing, so that the sandboxes and
   * containers created in one instant still order by creation as the kubelet expects.
   */
  public static final class Timestamps {
    private final Clock clock;
    private long last;

    public Timestamps(Clock clock) {
      this.clock = clock;
    }

    public synchronized long next() {
      Instant t = clock.now();
      long n = t.getEpochSecond() * 1_000_000_000L + t.getNano();
      last = Math.max(last + 1, n);
      return last;
    }
  }
}

package io.k8j.kubelet.runtime.process;

import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxState;

/** A pod of the process runtime: its network namespace (null for the node's) and address. */
final class ProcessSandbox {
  final String id;
  final PodSandboxConfig config;
  final long createdAt;
  final String netns;
  final String ip;
  volatile PodSandboxState state = PodSandboxState.SANDBOX_READY;

  ProcessSandbox(String id, PodSandboxConfig config, long createdAt, String netns, String ip) {
    this.id = id;
    this.config = config;
    this.createdAt = createdAt;
    this.netns = netns;
    this.ip = ip;
  }
}

package io.k8j.e2e;

import io.k8j.kubelet.RuntimeKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@code kubectl logs} and {@code top} on containerd. */
class ContainerdLogsAndTopIT extends LogsAndTopCases {
  @BeforeAll
  static void start() throws Exception {
    startNode(RuntimeKind.CRI, "logs-ctr", "10.88.42.0/24");
  }

  @AfterAll
  static void stop() {
    stopNode();
  }
}

package io.k8j.e2e;

import io.k8j.kubelet.RuntimeKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@code kubectl logs} and {@code top} on the process runtime. */
class ProcessLogsAndTopIT extends LogsAndTopCases {
  @BeforeAll
  static void start() throws Exception {
    startNode(RuntimeKind.PROCESS, "logs-proc", "10.88.41.0/24");
  }

  @AfterAll
  static void stop() {
    stopNode();
  }
}

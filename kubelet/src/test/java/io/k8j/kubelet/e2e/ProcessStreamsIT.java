package io.k8j.kubelet.e2e;

import io.k8j.kubelet.RuntimeKind;
import org.junit.jupiter.api.BeforeAll;

/** exec, attach, cp and port-forward on the process runtime. */
class ProcessStreamsIT extends StreamsContract {
  @BeforeAll
  static void start() throws Exception {
    node =
        NodeFixture.start(
            RuntimeKind.PROCESS, "proc-streams", "10.88.40.0/24", b -> b.bindAddress("0.0.0.0"));
    startPods("proc-streams");
  }
}

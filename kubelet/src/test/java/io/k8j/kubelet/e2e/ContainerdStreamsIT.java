package io.k8j.kubelet.e2e;

import io.k8j.kubelet.RuntimeKind;
import org.junit.jupiter.api.BeforeAll;

/** exec, attach, cp and port-forward on containerd, through its CRI streaming server. */
class ContainerdStreamsIT extends StreamEndingsContract {
  @BeforeAll
  static void start() throws Exception {
    node =
        NodeFixture.start(
            RuntimeKind.CRI, "ctr-streams", "10.88.41.0/24", b -> b.bindAddress("0.0.0.0"));
    startPods("ctr-streams");
  }
}

package io.k8j.kubelet.prober;

import java.time.Instant;
import java.util.Optional;

/** Where probe workers learn which instance of their container runs now (the status cache). */
public interface ContainerLookup {
  /** The current instance of a container: its runtime id, whether it runs, since when. */
  record Current(String containerId, boolean running, Instant startedAt) {}

  Optional<Current> current(String podUid, String containerName);

  /** The pod's first address, for httpGet, tcpSocket and grpc probes. */
  Optional<String> podIp(String podUid);
}

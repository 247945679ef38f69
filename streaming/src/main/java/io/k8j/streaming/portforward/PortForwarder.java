package io.k8j.streaming.portforward;

import java.io.InputStream;
import java.io.OutputStream;

/** Connects one forwarded connection to a port of the pod, inside its network namespace. */
@FunctionalInterface
public interface PortForwarder {
  /**
   * Copies {@code fromClient} to the pod's {@code port} and what the pod sends to {@code toClient},
   * until either side ends; throws when the pod's port cannot be reached.
   */
  void forward(int port, InputStream fromClient, OutputStream toClient) throws Exception;
}

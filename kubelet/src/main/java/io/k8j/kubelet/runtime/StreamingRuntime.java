package io.k8j.kubelet.runtime;

import io.k8j.streaming.remotecommand.StreamIo;
import io.k8j.streaming.remotecommand.StreamingException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The streaming calls of a runtime that runs real processes (the CRI's Exec, Attach and
 * PortForward, as upstream's streaming {@code Runtime} interface has them). Each call blocks until
 * its session ends; the calling thread is interrupted when the client goes away.
 */
public interface StreamingRuntime {
  /** Runs {@code cmd} in the container joined to {@code io}; returns its exit code. */
  int exec(String containerId, List<String> cmd, StreamIo io)
      throws StreamingException, InterruptedException;

  /** Joins {@code io} to the running container's standard streams until it exits. */
  void attach(String containerId, StreamIo io) throws StreamingException, InterruptedException;

  /** Joins one connection to {@code port} inside the sandbox's network namespace. */
  void portForward(String sandboxId, int port, InputStream in, OutputStream out)
      throws StreamingException, InterruptedException;
}

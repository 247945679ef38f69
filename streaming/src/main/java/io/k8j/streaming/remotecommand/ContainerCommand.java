package io.k8j.streaming.remotecommand;

/**
 * What an exec or attach session runs once its streams are up. Called on its own thread, which is
 * interrupted when the client goes away.
 */
@FunctionalInterface
public interface ContainerCommand {
  /**
   * Runs to the end; returns the exit code (0 for attach).
   *
   * @throws StreamingException to end the session with a failure Status naming the cause
   */
  int run(StreamIo io) throws Exception;
}

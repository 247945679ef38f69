package io.k8j.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The parts of a running server, closed in the reverse order of their start. */
final class ServerComponents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerComponents.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  static ServerComponents start(ServerCommand cmd) {
    ServerComponents c = new ServerComponents();
    return c;
  }

  private <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}

package io.k8j.streaming;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many sessions of one kind (exec, attach, port-forward) are open now: counted from the switch
 * of protocols until the session has released its connection, so that a session a client left and
 * the server kept shows.
 */
public final class OpenSessions {
  private final AtomicInteger open = new AtomicInteger();

  public int count() {
    return open.get();
  }

  /** {@code session}, counted while it runs. */
  public Negotiation.Session counting(Negotiation.Session session) {
    return (protocol, connection) -> {
      open.incrementAndGet();
      try {
        session.run(protocol, connection);
      } finally {
        connection.close();
        open.decrementAndGet();
      }
    };
  }
}

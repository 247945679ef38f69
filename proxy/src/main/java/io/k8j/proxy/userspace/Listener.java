package io.k8j.proxy.userspace;

import java.net.InetSocketAddress;

/** A socket on the node that forwards what arrives on it to a service port's endpoints. */
interface Listener extends AutoCloseable {
  InetSocketAddress address();

  /** Stops listening and ends the connections (or UDP sessions) it carries. */
  @Override
  void close();
}

package io.k8j.proxy.model;

/**
 * One endpoint of a service port, from an EndpointSlice: its first address and the port of the
 * slice's matching port, and its conditions read as upstream reads them (an unset {@code ready} or
 * {@code serving} is true, an unset {@code terminating} false).
 *
 * @param local the endpoint's {@code nodeName} is this node
 */
public record Endpoint(
    String ip, int port, boolean local, boolean ready, boolean serving, boolean terminating) {

  /** {@code ip:port}. */
  @Override
  public String toString() {
    return ip + ":" + port;
  }
}

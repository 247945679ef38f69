package io.k8j.store.etcd;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd.
 *
 * @param endpoints the client URLs of the members, {@code http://host:port}; at least one
 * @param dialTimeout how long to wait for a connection to a member
 * @param requestTimeout how long one store call waits for etcd before it fails
 */
public record EtcdStoreConfig(
    List<String> endpoints, Duration dialTimeout, Duration requestTimeout) {
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

  public EtcdStoreConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    for (String endpoint : endpoints) {
      URI uri = URI.create(endpoint);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException("an etcd endpoint is http://host:port, not " + endpoint);
      }
    }
    Objects.requireNonNull(dialTimeout, "dialTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (dialTimeout.isNegative() || dialTimeout.isZero()) {
      throw new IllegalArgumentException("dialTimeout must be positive: " + dialTimeout);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /** The given endpoints with the default timeouts. */
  public static EtcdStoreConfig of(List<String> endpoints) {
    return new EtcdStoreConfig(endpoints, DEFAULT_DIAL_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  public EtcdStoreConfig withRequestTimeout(Duration timeout) {
    return new EtcdStoreConfig(endpoints, dialTimeout, timeout);
  }

  public EtcdStoreConfig withDialTimeout(Duration timeout) {
    return new EtcdStoreConfig(endpoints, timeout, requestTimeout);
  }
}

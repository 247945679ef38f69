package io.k8j.apiserver;

import io.k8j.common.Clock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link ApiServer} runs.
 *
 * @param bindAddress the address to listen on
 * @param securePort the HTTPS port; 0 picks a free one
 * @param dataDir where the certificates, the admin token and {@code admin.kubeconfig} live
 * @param serviceCidr the range Service cluster IPs come from
 * @param maxInFlight the most non-watch requests served at once; more get 429
 * @param advertiseAddress the address the {@code kubernetes} Service's endpoints point at
 * @param bookmarkInterval how often idle watches that asked for bookmarks get one
 * @param compactionInterval how often the store's history is compacted (and how much is kept)
 */
public record ApiServerOptions(
    String bindAddress,
    int securePort,
    Path dataDir,
    String serviceCidr,
    int maxInFlight,
    String advertiseAddress,
    Duration bookmarkInterval,
    Duration compactionInterval,
    Clock clock) {

  public static final int DEFAULT_SECURE_PORT = 6443;
  public static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";

  /** The defaults: 0.0.0.0:6443, 10.43.0.0/16, 400 requests in flight, compaction every 5 min. */
  public static ApiServerOptions defaults(Path dataDir) {
    return new ApiServerOptions(
        "0.0.0.0",
        DEFAULT_SECURE_PORT,
        dataDir,
        DEFAULT_SERVICE_CIDR,
        400,
        "127.0.0.1",
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Clock.SYSTEM);
  }

  public ApiServerOptions withPort(int port) {
    return new ApiServerOptions(
        bindAddress,
        port,
        dataDir,
        serviceCidr,
        maxInFlight,
        advertiseAddress,
        bookmarkInterval,
        compactionInterval,
        clock);
  }

  public ApiServerOptions withBindAddress(String address) {
    return new ApiServerOptions(
        address,
        securePort,
        dataDir,
        serviceCidr,
        maxInFlight,
        advertiseAddress,
        bookmarkInterval,
        compactionInterval,
        clock);
  }

  public ApiServerOptions withMaxInFlight(int n) {
    return new ApiServerOptions(
        bindAddress,
        securePort,
        dataDir,
        serviceCidr,
        n,
        advertiseAddress,
        bookmarkInterval,
        compactionInterval,
        clock);
  }

  public ApiServerOptions withBookmarkInterval(Duration d) {
    return new ApiServerOptions(
        bindAddress,
        securePort,
        dataDir,
        serviceCidr,
        maxInFlight,
        advertiseAddress,
        d,
        compactionInterval,
        clock);
  }

  public ApiServerOptions withCompactionInterval(Duration d) {
    return new ApiServerOptions(
        bindAddress,
        securePort,
        dataDir,
        serviceCidr,
        maxInFlight,
        advertiseAddress,
        bookmarkInterval,
        d,
        clock);
  }

  public ApiServerOptions withServiceCidr(String cidr) {
    return new ApiServerOptions(
        bindAddress,
        securePort,
        dataDir,
        cidr,
        maxInFlight,
        advertiseAddress,
        bookmarkInterval,
        compactionInterval,
        clock);
  }

  public ApiServerOptions withAdvertiseAddress(String address) {
    return new ApiServerOptions(
        bindAddress,
        securePort,
        dataDir,
        serviceCidr,
        maxInFlight,
        address,
        bookmarkInterval,
        compactionInterval,
        clock);
  }

  /** The admin kubeconfig the server writes. */
  public Path kubeconfig() {
    return dataDir.resolve("admin.kubeconfig");
  }
}

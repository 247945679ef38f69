package io.k8j.proxy.model;

/**
 * One way of routing service traffic on a node (kernel rules, or a proxy in this process). The
 * {@link io.k8j.proxy.ServiceProxy} calls {@link #sync} from one thread at a time, at most once per
 * min-sync-period and at least once per sync-period.
 */
public interface Proxier extends AutoCloseable {
  /**
   * Makes the node route exactly {@code state}. With {@code full} false the proxier may rewrite
   * only the Services that changed since its last successful sync; with {@code full} true it
   * rewrites everything (and repairs anything changed behind its back). Must be idempotent. Throws
   * when the node could not be brought to the state; the caller then retries with a full sync.
   */
  SyncSummary sync(ProxyState state, boolean full) throws Exception;

  /** Removes everything this proxier installed on the node (rules, listeners). */
  @Override
  void close();
}

package io.k8j.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.k8j.common.Clock;
import io.k8j.store.CompactedException;
import io.k8j.store.FutureRevisionException;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.LeaseNotFoundException;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchListener;
import io.k8j.store.WriteResult;
import io.k8j.store.etcd.EtcdRequests.Idempotence;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on a real etcd cluster. Keys are stored as given, in UTF-8; revisions, versions, leases
 * and compaction are etcd's own, so other etcd clients (etcdctl, a kube-apiserver) see the same
 * data. Conditional writes are one-compare transactions ({@link Writes}); watches resume by
 * themselves ({@link EtcdWatch}).
 */
public final class EtcdStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

  /** Any key: reading it tells the current revision. */
  private static final ByteSequence REVISION_PROBE_KEY = EtcdCodec.key("\0");

  private final Client client;
  private final KV kv;
  private final Lease leases;
  private final EtcdRequests requests;
  private final Writes writes;
  private final Compaction compaction;
  private final ScheduledExecutorService watchScheduler;
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

  private EtcdStore(Client client, EtcdRequests requests) {
    this.client = client;
    this.kv = client.getKVClient();
    this.leases = client.getLeaseClient();
    this.requests = requests;
    this.writes = new Writes(kv, requests);
    this.compaction = new Compaction(kv, requests, this::currentRevision);
    this.watchScheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("etcd-watch-resume").daemon().factory());
  }

  /**
   * Connects to etcd and checks that it answers.
   *
   * @throws StoreException if no member answers within the request timeout
   */
  public static EtcdStore connect(EtcdStoreConfig config) {
    Client client =
        Client.builder()
            .endpoints(config.endpoints().toArray(String[]::new))
            .connectTimeout(config.dialTimeout())
            .retryMaxDuration(config.requestTimeout())
            // as kube-apiserver: a list of many objects easily exceeds gRPC's default 4 MiB
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .build();
    EtcdStore store =
        new EtcdStore(
            client, new EtcdRequests(config.requestTimeout(), Clock.SYSTEM, new LeaderChangeLog()));
    try {
      Revision revision = store.currentRevision();
      LOG.info("connected to etcd at {} (revision {})", config.endpoints(), revision);
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw new StoreException("cannot reach etcd at " + config.endpoints(), e);
    }
  }

  @Override
  public Revision currentRevision() {
    GetOption countOnly = GetOption.builder().withCountOnly(true).build();
    try {
      GetResponse r =
          requests.call(
              "read the current revision",
              Idempotence.IDEMPOTENT,
              () -> kv.get(REVISION_PROBE_KEY, countOnly));
      return Revision.of(r.getHeader().getRevision());
    } catch (EtcdException e) {
      throw EtcdRequests.failure("read the current revision", e);
    }
  }

  @Override
  public RangeResult range(RangeRequest request) {
    GetOption.Builder option =
        GetOption.builder()
            .withRevision(request.revision().value())
            .withLimit(request.limit())
            .withCountOnly(request.countOnly())
            .withKeysOnly(request.keysOnly());
    if (!request.range().isSingleKey()) {
      option.withRange(EtcdCodec.key(request.range().end()));
    }
    GetResponse r;
    try {
      r =
          requests.call(
              "range",
              Idempotence.IDEMPOTENT,
              () -> kv.get(EtcdCodec.key(request.range().start()), option.build()));
    } catch (EtcdException e) {
      if (EtcdErrors.isCompacted(e)) {
        throw new CompactedException(request.revision(), compaction.compactRevision());
      }
      if (EtcdErrors.isFutureRevision(e)) {
        throw new FutureRevisionException(request.revision(), currentRevision());
      }
      throw EtcdRequests.failure("range", e);
    }
    List<KeyValue> kvs = r.getKvs().stream().map(EtcdCodec::keyValue).toList();
    Revision at =
        request.revision().isZero() ? Revision.of(r.getHeader().getRevision()) : request.revision();
    return new RangeResult(kvs, at, r.getCount(), r.isMore());
  }

  @Override
  public WriteResult create(String key, byte[] value, LeaseId lease) {
    return writes.create(key, value, lease);
  }

  @Override
  public WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    return writes.update(key, value, expectedModRevision, lease);
  }

  @Override
  public WriteResult delete(String key, Revision expectedModRevision) {
    return writes.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(KeyRange range, Revision startRevision, WatchListener listener) {
    Revision start;
    if (startRevision.isZero()) {
      start = currentRevision().next();
    } else {
      requireNotCompacted(range, startRevision);
      start = startRevision;
    }
    EtcdWatch watch =
        new EtcdWatch(
            client.getWatchClient(), range, start, listener, watchScheduler, watches::remove);
    watches.add(watch);
    watch.start();
    return watch;
  }

  /** Fails now, rather than through the listener, when the history to replay is gone. */
  private void requireNotCompacted(KeyRange range, Revision start) {
    GetOption probe = GetOption.builder().withRevision(start.value()).withCountOnly(true).build();
    try {
      requests.call(
          "check the watch start",
          Idempotence.IDEMPOTENT,
          () -> kv.get(EtcdCodec.key(range.start()), probe));
    } catch (EtcdException e) {
      if (EtcdErrors.isCompacted(e)) {
        throw new CompactedException(start, compaction.compactRevision());
      }
      if (!EtcdErrors.isFutureRevision(e)) {
        throw EtcdRequests.failure("check the watch start", e);
      }
    }
  }

  @Override
  public void compact(Revision revision) {
    compaction.compact(revision);
  }

  @Override
  public Revision compactRevision() {
    return compaction.compactRevision();
  }

  /**
   * {@inheritDoc}
   *
   * <p>etcd counts TTLs in whole seconds (rounded up here), and raises a TTL below its minimum (1.5
   * election timeouts) to that minimum.
   */
  @Override
  public LeaseId grantLease(Duration ttl) {
    long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    long id =
        requests
            .call("grant a lease", Idempotence.NOT_IDEMPOTENT, () -> leases.grant(seconds))
            .getID();
    return new LeaseId(id);
  }

  @Override
  public void keepAlive(LeaseId lease) {
    try {
      requests.call(
          "keep lease " + lease.value() + " alive",
          Idempotence.IDEMPOTENT,
          () -> leases.keepAliveOnce(lease.value()));
    } catch (EtcdException e) {
      if (EtcdErrors.isLeaseNotFound(e)) {
        throw new LeaseNotFoundException(lease);
      }
      throw EtcdRequests.failure("keep-alive of lease " + lease.value(), e);
    }
  }

  @Override
  public void revokeLease(LeaseId lease) {
    try {
      requests.call(
          "revoke lease " + lease.value(),
          Idempotence.IDEMPOTENT,
          () -> leases.revoke(lease.value()));
    } catch (EtcdException e) {
      if (!EtcdErrors.isLeaseNotFound(e)) {
        throw EtcdRequests.failure("revoke of lease " + lease.value(), e);
      }
    }
  }

  @Override
  public void close() {
    StoreException closing = new StoreException("the etcd store is closed");
    List.copyOf(watches).forEach(w -> w.end(closing));
    watchScheduler.shutdownNow();
    client.close();
  }
}

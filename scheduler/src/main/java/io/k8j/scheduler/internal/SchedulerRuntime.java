package io.k8j.scheduler.internal;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.common.Clock;
import io.k8j.scheduler.SchedulerMetrics;
import io.k8j.scheduler.cache.SchedulerCache;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.config.Profile;
import io.k8j.scheduler.config.SchedulerConfiguration;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.PluginFactory;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.QueueSortPlugin;
import io.k8j.scheduler.framework.runtime.ForkJoinParallelizer;
import io.k8j.scheduler.framework.runtime.FrameworkContext;
import io.k8j.scheduler.framework.runtime.FrameworkImpl;
import io.k8j.scheduler.queue.SchedulingQueue;
import io.k8j.scheduler.util.PodApi;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one active scheduler runs, wired together: informers, cache, queue, one framework per
 * profile, the scheduling loop and the binding threads, the queue's periodic flushes and a summary
 * in the log. Made fresh for each term as leader and closed when the term ends.
 */
public final class SchedulerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchedulerRuntime.class);
  private static final long SYNC_TIMEOUT_SECONDS = 120;

  private final KubernetesClient client;
  private final SchedulerConfiguration config;
  private final Clock clock;
  private final String identity;
  private final Map<String, PluginFactory> registry;
  private final SchedulerMetrics metrics;

  private InformerObjects objects;
  private ForkJoinParallelizer parallelizer;
  private ScheduledExecutorService timer;
  private SchedulerEvents events;
  private SchedulingQueue queue;
  private SharedIndexInformer<Pod> podInformer;
  private SharedIndexInformer<Node> nodeInformer;
  private ExecutorService binders;
  private Thread loopThread;
  private SchedulerCache cache;
  private SchedulerMetrics.Counts lastSummary;

  public SchedulerRuntime(
      KubernetesClient client,
      SchedulerConfiguration config,
      Clock clock,
      String identity,
      Map<String, PluginFactory> registry,
      SchedulerMetrics metrics) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.identity = identity;
    this.registry = registry;
    this.metrics = metrics;
  }

  /**
   * Starts the informers, waits until they have listed, then starts scheduling.
   *
   * @throws IllegalArgumentException when the configuration's plugins are invalid
   */
  public void start() throws Exception {
    objects = new InformerObjects(client);
    Priorities priorities = new Priorities(objects);
    parallelizer =
        new ForkJoinParallelizer(
            Math.min(config.parallelism(), Runtime.getRuntime().availableProcessors()));
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("scheduler-timer").unstarted(r));
    PodApi api = new PodApi(client);
    events = new SchedulerEvents(api, clock, config.profiles().get(0).schedulerName(), identity);
    cache = new SchedulerCache();
    Snapshot snapshot = new Snapshot();
    AtomicReference<SchedulingQueue> queueRef = new AtomicReference<>();
    PodNominator nominator = node -> queueRef.get().nominatedPodsForNode(node);
    FrameworkContext ctx =
        new FrameworkContext(
            client, api, clock, parallelizer, objects, events, nominator, () -> snapshot, timer);
    Map<String, FrameworkImpl> frameworks = new LinkedHashMap<>();
    QueueSortPlugin sort = null;
    for (Profile p : config.profiles()) {
      FrameworkImpl f = FrameworkImpl.create(p, registry, ctx);
      if (sort == null) {
        sort = f.queueSortPlugin();
      } else if (!sort.name().equals(f.queueSortPlugin().name())) {
        throw new IllegalArgumentException(
            "profiles["
                + frameworks.size()
                + "].plugins.queueSort: Invalid value: queueSort must be the same for all profiles");
      }
      frameworks.put(p.schedulerName(), f);
      log.debug("profile {}: {}", p.schedulerName(), f.listPlugins());
    }
    Profiles profiles = new Profiles(frameworks);
    queue =
        new SchedulingQueue(
            clock,
            sort,
            profiles,
            config.podInitialBackoff(),
            config.podMaxBackoff(),
            config.podMaxInUnschedulablePodsDuration());
    queueRef.set(queue);

    ClusterEventHandlers handlers =
        new ClusterEventHandlers(cache, queue, profiles, priorities::podInfo);
    Map<Class<?>, ResourceEventHandler<?>> moving = new HashMap<>();
    moving.put(PersistentVolume.class, handlers.moving(EventResource.PERSISTENT_VOLUME));
    moving.put(PersistentVolumeClaim.class, handlers.moving(EventResource.PERSISTENT_VOLUME_CLAIM));
    moving.put(StorageClass.class, handlers.moving(EventResource.STORAGE_CLASS));
    moving.put(Namespace.class, null);
    objects.create(moving);
    nodeInformer = client.nodes().runnableInformer(0);
    nodeInformer.addEventHandler(handlers.nodes());
    podInformer = client.pods().inAnyNamespace().runnableInformer(0);
    podInformer.addEventHandler(handlers.pods());
    objects.setPods(podInformer);

    long t0 = System.nanoTime();
    objects.startAndSync(SYNC_TIMEOUT_SECONDS);
    nodeInformer.start().toCompletableFuture().get(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    podInformer.start().toCompletableFuture().get(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    log.info(
        "scheduler {} synced {} nodes and {} pods in {} ms; profiles {}",
        identity,
        cache.nodeCount(),
        cache.podCount(),
        (System.nanoTime() - t0) / 1_000_000,
        frameworks.keySet());

    binders =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scheduler-bind-", 0).factory());
    SchedulingLoop loop =
        new SchedulingLoop(
            cache,
            queue,
            profiles,
            snapshot,
            clock,
            config.percentageOfNodesToScore(),
            binders,
            events,
            new PodConditions(api, clock),
            objects,
            metrics,
            new Random());
    timer.scheduleWithFixedDelay(queue::flushBackoffCompleted, 1, 1, TimeUnit.SECONDS);
    timer.scheduleWithFixedDelay(queue::flushUnschedulableLeftover, 30, 30, TimeUnit.SECONDS);
    lastSummary = metrics.counts();
    timer.scheduleWithFixedDelay(this::summary, 10, 10, TimeUnit.SECONDS);
    loopThread = Thread.ofPlatform().name("scheduler").daemon().start(loop::run);
  }

  private void summary() {
    SchedulerMetrics.Counts now = metrics.counts();
    SchedulerMetrics.Counts d = now.minus(lastSummary);
    lastSummary = now;
    if (d.cycles() == 0 && d.scheduled() == 0) {
      return;
    }
    SchedulingQueue.Sizes q = queue.sizes();
    log.info(
        "scheduled {} pods in 10s ({} unschedulable attempts, {} errors, {} binding failures,"
            + " {} preemptions; mean cycle {} us); queue: {} active, {} backoff, {} unschedulable",
        d.scheduled(),
        d.unschedulable(),
        d.errors(),
        d.bindingFailures(),
        d.preemptions(),
        Math.round(d.meanCycleMicros()),
        q.active(),
        q.backoff(),
        q.unschedulable());
  }

  /** The queue (for tests and benchmarks). */
  public SchedulingQueue queue() {
    return queue;
  }

  public SchedulerCache cache() {
    return cache;
  }

  @Override
  public void close() {
    if (queue != null) {
      queue.close();
    }
    if (loopThread != null) {
      loopThread.interrupt();
      try {
        loopThread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (binders != null) {
      binders.shutdown();
      try {
        binders.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (podInformer != null) {
      podInformer.stop();
    }
    if (nodeInformer != null) {
      nodeInformer.stop();
    }
    if (objects != null) {
      objects.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (events != null) {
      events.close();
    }
    if (parallelizer != null) {
      parallelizer.close();
    }
  }
}

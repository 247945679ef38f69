package io.k8j.controllers.namespace;

import io.fabric8.kubernetes.api.model.Namespace;
import io.k8j.client.Controller;
import io.k8j.client.DynamicClient;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.BucketRateLimiter;
import io.k8j.client.queue.ItemExponentialFailureRateLimiter;
import io.k8j.client.queue.MaxOfRateLimiter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Finishes the deletion of namespaces, as upstream's {@code NamespaceController}: only namespaces
 * with a deletionTimestamp are queued; a sync that finds content left looks again after half the
 * estimated time, a failed one after a backoff of at most a minute. Namespaces being deleted are
 * also looked at every {@code resyncPeriod}.
 */
public final class NamespaceController implements AutoCloseable {
  private final Informer<Namespace> namespaces;
  private final NamespacedResourcesDeleter deleter;
  private final Clock clock;
  private final Duration resyncPeriod;
  private final WorkQueue<String> queue;
  private final Controller controller;
  private Thread resync;

  public NamespaceController(
      InformerFactory informers,
      ObjectReader reader,
      ObjectWriter writer,
      DynamicClient dynamic,
      Clock clock,
      Duration resyncPeriod) {
    this.namespaces = informers.forType(Namespace.class);
    this.deleter = new NamespacedResourcesDeleter(reader, writer, dynamic, clock);
    this.clock = clock;
    this.resyncPeriod = resyncPeriod;
    this.queue =
        new WorkQueue<>(
            clock,
            new MaxOfRateLimiter<>(
                new ItemExponentialFailureRateLimiter<>(
                    Duration.ofMillis(5), Duration.ofSeconds(60)),
                new BucketRateLimiter<>(clock, 10, 100)));
    this.controller =
        new Controller("namespace-controller", queue, this::sync, List.of(namespaces));
    namespaces.addEventHandler(EventHandlers.onAddOrUpdate(this::enqueue));
  }

  public void start(int workers) {
    controller.start(workers);
    resync = Thread.ofVirtual().name("namespace-controller-resync").start(this::resyncLoop);
  }

  private void resyncLoop() {
    try {
      while (!queue.isShuttingDown()) {
        clock.sleep(resyncPeriod);
        namespaces.lister().list().forEach(this::enqueue);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (resync != null) {
      resync.interrupt();
    }
    controller.close();
  }

  WorkQueue<String> queue() {
    return queue;
  }

  private void enqueue(Namespace ns) {
    if (ns.getMetadata().getDeletionTimestamp() != null) {
      queue.add(ns.getMetadata().getName());
    }
  }

  void sync(String name) {
    try {
      deleter.delete(name);
    } catch (NamespacedResourcesDeleter.ResourcesRemaining e) {
      queue.addAfter(name, Duration.ofSeconds(e.estimateSeconds / 2 + 1));
    }
  }
}

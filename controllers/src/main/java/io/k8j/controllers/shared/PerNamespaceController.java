package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.util.List;
import java.util.Set;

/**
 * A controller that keeps some named objects of type {@code T} in every active namespace (the
 * {@code default} ServiceAccount, the {@code kube-root-ca.crt} ConfigMap): a namespace is synced
 * when it appears or changes and when one of its ensured objects is changed or deleted; terminating
 * namespaces are left alone.
 */
public abstract class PerNamespaceController<T extends HasMetadata> implements AutoCloseable {
  private final Lister<Namespace> namespaces;
  protected final Lister<T> objects;
  protected final ObjectWriter writer;
  private final WorkQueue<String> queue;
  private final Controller controller;

  protected PerNamespaceController(
      String name,
      Class<T> type,
      Set<String> ensuredNames,
      InformerFactory informers,
      ObjectWriter writer,
      Clock clock) {
    Informer<Namespace> nsInformer = informers.forType(Namespace.class);
    Informer<T> objInformer = informers.forType(type);
    this.namespaces = nsInformer.lister();
    this.objects = objInformer.lister();
    this.writer = writer;
    this.queue = WorkQueue.forController(clock);
    this.controller = new Controller(name, queue, this::sync, List.of(nsInformer, objInformer));
    nsInformer.addEventHandler(
        EventHandlers.onAddOrUpdate(ns -> queue.add(ns.getMetadata().getName())));
    objInformer.addEventHandler(
        EventHandlers.of(
            EventHandlers.ignore(),
            (old, cur) -> {
              if (ensuredNames.contains(cur.getMetadata().getName())) {
                queue.add(cur.getMetadata().getNamespace());
              }
            },
            obj -> {
              if (ensuredNames.contains(obj.getMetadata().getName())) {
                queue.add(obj.getMetadata().getNamespace());
              }
            }));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  /** Makes the namespace's objects right; the namespace is active. */
  protected abstract void ensure(String namespace);

  /** Syncs one namespace by name. */
  public final void sync(String namespace) {
    Namespace ns = namespaces.get(null, namespace);
    if (ns == null || ns.getStatus() == null || !"Active".equals(ns.getStatus().getPhase())) {
      return;
    }
    ensure(namespace);
  }

  /**
   * Creates the object; one that exists already, or a namespace that began terminating meanwhile,
   * is not an error.
   */
  protected final void createIfAbsent(T obj) {
    try {
      writer.create(obj);
    } catch (RuntimeException e) {
      boolean terminating =
          ApiErrors.code(e) == 403 && String.valueOf(e.getMessage()).contains("being terminated");
      if (!ApiErrors.isAlreadyExists(e) && !terminating) {
        throw e;
      }
    }
  }
}

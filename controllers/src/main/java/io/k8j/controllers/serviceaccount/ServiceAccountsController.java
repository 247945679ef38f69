package io.k8j.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.util.List;

/**
 * Ensures the {@code default} ServiceAccount in every namespace, as upstream's
 * ServiceAccountsController: a namespace that appears or changes, or whose {@code default} account
 * is deleted, is synced; terminating namespaces are left alone.
 */
public final class ServiceAccountsController implements AutoCloseable {
  static final List<String> ENSURED = List.of("default");

  private final Lister<Namespace> namespaces;
  private final Lister<ServiceAccount> accounts;
  private final ObjectWriter writer;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public ServiceAccountsController(InformerFactory informers, ObjectWriter writer, Clock clock) {
    Informer<Namespace> nsInformer = informers.forType(Namespace.class);
    Informer<ServiceAccount> saInformer = informers.forType(ServiceAccount.class);
    this.namespaces = nsInformer.lister();
    this.accounts = saInformer.lister();
    this.writer = writer;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            "serviceaccount-controller", queue, this::sync, List.of(nsInformer, saInformer));
    nsInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Namespace ns) {
            queue.add(ns.getMetadata().getName());
          }

          @Override
          public void onUpdate(Namespace old, Namespace cur) {
            queue.add(cur.getMetadata().getName());
          }

          @Override
          public void onDelete(Namespace ns, boolean unknown) {}
        });
    saInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ServiceAccount sa) {}

          @Override
          public void onUpdate(ServiceAccount old, ServiceAccount cur) {}

          @Override
          public void onDelete(ServiceAccount sa, boolean unknown) {
            if (ENSURED.contains(sa.getMetadata().getName())) {
              queue.add(sa.getMetadata().getNamespace());
            }
          }
        });
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  void sync(String name) {
    Namespace ns = namespaces.get(null, name);
    if (ns == null || ns.getStatus() == null || !"Active".equals(ns.getStatus().getPhase())) {
      return;
    }
    RuntimeException first = null;
    for (String sa : ENSURED) {
      if (accounts.get(name, sa) != null) {
        continue;
      }
      try {
        writer.create(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withNamespace(name)
                .withName(sa)
                .endMetadata()
                .build());
      } catch (RuntimeException e) {
        boolean terminating =
            ApiErrors.code(e) == 403 && String.valueOf(e.getMessage()).contains("being terminated");
        if (!ApiErrors.isAlreadyExists(e) && !terminating && first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

package io.k8j.controllers.rootcacert;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.util.List;
import java.util.Map;

/**
 * Upstream's root-ca-cert-publisher: every active namespace has the ConfigMap {@code
 * kube-root-ca.crt} whose {@code ca.crt} is the cluster CA (what pods use to verify the API
 * server); it is created when missing and put back when changed or deleted.
 */
public final class RootCaCertPublisher implements AutoCloseable {
  static final String NAME = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other"
          + " usage is guaranteed across distributions of Kubernetes clusters.";

  private final Lister<Namespace> namespaces;
  private final Lister<ConfigMap> configMaps;
  private final ObjectWriter writer;
  private final String caPem;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public RootCaCertPublisher(
      InformerFactory informers, ObjectWriter writer, String caPem, Clock clock) {
    Informer<Namespace> nsInformer = informers.forType(Namespace.class);
    Informer<ConfigMap> cmInformer = informers.forType(ConfigMap.class);
    this.namespaces = nsInformer.lister();
    this.configMaps = cmInformer.lister();
    this.writer = writer;
    this.caPem = caPem;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            "root-ca-cert-publisher", queue, this::sync, List.of(nsInformer, cmInformer));
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
    cmInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {}

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cur) {
            if (NAME.equals(cur.getMetadata().getName())) {
              queue.add(cur.getMetadata().getNamespace());
            }
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknown) {
            if (NAME.equals(cm.getMetadata().getName())) {
              queue.add(cm.getMetadata().getNamespace());
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

  void sync(String namespace) {
    Namespace ns = namespaces.get(null, namespace);
    if (ns == null || ns.getStatus() == null || !"Active".equals(ns.getStatus().getPhase())) {
      return;
    }
    ConfigMap cm = configMaps.get(namespace, NAME);
    if (cm == null) {
      try {
        writer.create(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(NAME)
                .withAnnotations(Map.of(DESCRIPTION_ANNOTATION, DESCRIPTION))
                .endMetadata()
                .withData(Map.of(KEY, caPem))
                .build());
      } catch (RuntimeException e) {
        boolean terminating =
            ApiErrors.code(e) == 403 && String.valueOf(e.getMessage()).contains("being terminated");
        if (!ApiErrors.isAlreadyExists(e) && !terminating) {
          throw e;
        }
      }
      return;
    }
    if (cm.getData() != null && caPem.equals(cm.getData().get(KEY)) && cm.getBinaryData() == null) {
      return;
    }
    ConfigMap copy = DeepCopy.of(cm);
    copy.setData(Map.of(KEY, caPem));
    copy.setBinaryData(null);
    writer.update(copy);
  }
}

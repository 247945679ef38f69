package io.k8j.controllers.rootcacert;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.k8j.client.DeepCopy;
import io.k8j.client.InformerFactory;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.PerNamespaceController;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's root-ca-cert-publisher: every active namespace has the ConfigMap {@code
 * kube-root-ca.crt} whose {@code ca.crt} is the cluster CA (what pods use to verify the API
 * server); it is created when missing and put back when changed or deleted.
 */
public final class RootCaCertPublisher extends PerNamespaceController<ConfigMap> {
  static final String NAME = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other"
          + " usage is guaranteed across distributions of Kubernetes clusters.";

  private final String caPem;

  public RootCaCertPublisher(
      InformerFactory informers, ObjectWriter writer, String caPem, Clock clock) {
    super("root-ca-cert-publisher", ConfigMap.class, Set.of(NAME), informers, writer, clock);
    this.caPem = caPem;
  }

  @Override
  protected void ensure(String namespace) {
    ConfigMap cm = objects.get(namespace, NAME);
    if (cm == null) {
      createIfAbsent(
          new ConfigMapBuilder()
              .withNewMetadata()
              .withNamespace(namespace)
              .withName(NAME)
              .withAnnotations(Map.of(DESCRIPTION_ANNOTATION, DESCRIPTION))
              .endMetadata()
              .withData(Map.of(KEY, caPem))
              .build());
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

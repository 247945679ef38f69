package io.k8j.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.k8j.client.InformerFactory;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.PerNamespaceController;
import java.util.List;
import java.util.Set;

/**
 * Ensures the {@code default} ServiceAccount in every namespace, as upstream's
 * ServiceAccountsController: a namespace that appears or changes, or whose {@code default} account
 * is deleted, is synced; terminating namespaces are left alone.
 */
public final class ServiceAccountsController extends PerNamespaceController<ServiceAccount> {
  static final List<String> ENSURED = List.of("default");

  public ServiceAccountsController(InformerFactory informers, ObjectWriter writer, Clock clock) {
    super(
        "serviceaccount-controller",
        ServiceAccount.class,
        Set.copyOf(ENSURED),
        informers,
        writer,
        clock);
  }

  @Override
  protected void ensure(String namespace) {
    RuntimeException first = null;
    for (String sa : ENSURED) {
      if (objects.get(namespace, sa) != null) {
        continue;
      }
      try {
        createIfAbsent(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(sa)
                .endMetadata()
                .build());
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

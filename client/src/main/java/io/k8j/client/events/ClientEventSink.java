package io.k8j.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Writes core/v1 Events to the API server. */
public final class ClientEventSink implements EventSink {
  private final KubernetesClient client;

  public ClientEventSink(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Event create(Event event) {
    return client
        .v1()
        .events()
        .inNamespace(event.getMetadata().getNamespace())
        .resource(event)
        .create();
  }

  @Override
  public Event patch(Event existing, String mergePatch) {
    return client
        .v1()
        .events()
        .inNamespace(existing.getMetadata().getNamespace())
        .withName(existing.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }
}

package io.k8j.dns.model;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import java.util.function.Consumer;

/**
 * Keeps {@link ClusterRecords} current from shared informers on Services, EndpointSlices and
 * Namespaces. Unlike a controller's handlers, these do the (small, in-memory) work themselves: DNS
 * answers from its own index, as CoreDNS answers from its informers' stores, and there is nothing
 * to write back or retry.
 */
public final class RecordsFeed {
  private RecordsFeed() {}

  /** Registers the handlers; the records count as synced once all three informers have. */
  public static void feed(InformerFactory informers, ClusterRecords records) {
    Informer<Namespace> namespaces = informers.forType(Namespace.class);
    Informer<Service> services = informers.forType(Service.class);
    Informer<EndpointSlice> slices = informers.forType(EndpointSlice.class);
    namespaces.addEventHandler(
        handler(
            ns -> records.putNamespace(ns.getMetadata().getName()),
            ns -> records.removeNamespace(ns.getMetadata().getName())));
    services.addEventHandler(
        handler(
            svc -> records.putService(ServiceEntry.of(svc)),
            svc ->
                records.removeService(
                    svc.getMetadata().getNamespace(), svc.getMetadata().getName())));
    slices.addEventHandler(
        handler(
            slice -> {
              SliceEntry entry = SliceEntry.of(slice);
              if (entry == null) {
                records.removeSlice(
                    slice.getMetadata().getNamespace(), slice.getMetadata().getName());
              } else {
                records.putSlice(entry);
              }
            },
            slice ->
                records.removeSlice(
                    slice.getMetadata().getNamespace(), slice.getMetadata().getName())));
    records.syncedWhen(() -> namespaces.hasSynced() && services.hasSynced() && slices.hasSynced());
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> put, Consumer<T> remove) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        put.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        put.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        remove.accept(obj);
      }
    };
  }
}

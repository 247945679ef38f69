package io.k8j.controllers.replicaset;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.Informer;
import io.k8j.client.Lister;
import java.util.List;
import java.util.function.Function;

/** An informer of one kind seen as another, converting every object it hands out. */
final class ConvertingInformer<A, B> implements Informer<A> {
  private final Informer<B> source;
  private final Function<B, A> convert;

  ConvertingInformer(Informer<B> source, Function<B, A> convert) {
    this.source = source;
    this.convert = convert;
  }

  @Override
  public Lister<A> lister() {
    Lister<B> l = source.lister();
    return new Lister<>() {
      @Override
      public A get(String namespace, String name) {
        B b = l.get(namespace, name);
        return b == null ? null : convert.apply(b);
      }

      @Override
      public A get(String key) {
        B b = l.get(key);
        return b == null ? null : convert.apply(b);
      }

      @Override
      public List<A> list() {
        return l.list().stream().map(convert).toList();
      }

      @Override
      public List<A> list(String namespace) {
        return l.list(namespace).stream().map(convert).toList();
      }

      @Override
      public List<A> byIndex(String indexName, String value) {
        return l.byIndex(indexName, value).stream().map(convert).toList();
      }
    };
  }

  @Override
  public void addEventHandler(ResourceEventHandler<? super A> handler) {
    source.addEventHandler(
        new ResourceEventHandler<B>() {
          @Override
          public void onAdd(B obj) {
            handler.onAdd(convert.apply(obj));
          }

          @Override
          public void onUpdate(B oldObj, B newObj) {
            handler.onUpdate(convert.apply(oldObj), convert.apply(newObj));
          }

          @Override
          public void onDelete(B obj, boolean deletedFinalStateUnknown) {
            handler.onDelete(convert.apply(obj), deletedFinalStateUnknown);
          }
        });
  }

  @Override
  public void addIndexer(String name, Function<A, List<String>> indexFunc) {
    source.addIndexer(name, b -> indexFunc.apply(convert.apply(b)));
  }

  @Override
  public boolean hasSynced() {
    return source.hasSynced();
  }
}

package io.k8j.client;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Informer handlers built from lambdas, for the common shapes: most controllers only enqueue a key
 * on some of the three events.
 */
public final class EventHandlers {
  private EventHandlers() {}

  /** Does nothing; for the events a handler ignores. */
  public static <T> Consumer<T> ignore() {
    return obj -> {};
  }

  /** A handler from one action per event; {@code update} gets the old and the new object. */
  public static <T> ResourceEventHandler<T> of(
      Consumer<? super T> add,
      BiConsumer<? super T, ? super T> update,
      Consumer<? super T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        add.accept(obj);
      }

      @Override
      public void onUpdate(T old, T cur) {
        update.accept(old, cur);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        delete.accept(obj);
      }
    };
  }

  /** Calls {@code f} with the added object, the updated object's new state and the deleted one. */
  public static <T> ResourceEventHandler<T> onEvery(Consumer<? super T> f) {
    return of(f, (old, cur) -> f.accept(cur), f);
  }

  /** Calls {@code f} with the added object and the updated object's new state; ignores deletes. */
  public static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<? super T> f) {
    return of(f, (old, cur) -> f.accept(cur), ignore());
  }

  /** Calls {@code f} with the deleted object only. */
  public static <T> ResourceEventHandler<T> onDelete(Consumer<? super T> f) {
    return of(ignore(), (old, cur) -> {}, f);
  }
}

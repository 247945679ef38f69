package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.k8j.client.ApiErrors;
import io.k8j.client.DeepCopy;
import io.k8j.client.ObjectWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Adopts and releases the objects a controller selects, as upstream's {@code
 * BaseControllerRefManager.ClaimObject}: an orphan that matches is adopted (a controller reference
 * added), an owned object that stops matching is released (its reference removed), and objects
 * controlled by someone else are left alone. A controller being deleted adopts nothing.
 */
public final class ControllerRefManager<T extends HasMetadata> {
  private final ObjectWriter writer;
  private final HasMetadata controller;
  private final Predicate<T> selector;
  private final OwnerReference controllerRef;
  private final BooleanSupplier canAdopt;
  private Boolean canAdoptResult;

  /**
   * @param canAdopt checked once, before the first adoption: upstream's {@code
   *     RecheckDeletionTimestamp}, a fresh read of the controller confirming it is not being
   *     deleted
   */
  public ControllerRefManager(
      ObjectWriter writer,
      HasMetadata controller,
      OwnerReference controllerRef,
      Predicate<T> selector,
      BooleanSupplier canAdopt) {
    this.writer = writer;
    this.controller = controller;
    this.controllerRef = controllerRef;
    this.selector = selector;
    this.canAdopt = canAdopt;
  }

  /**
   * The objects this controller owns after adopting and releasing. Errors of single objects are
   * collected; the first is thrown after all were tried.
   */
  public List<T> claim(List<T> objects) {
    List<T> claimed = new ArrayList<>();
    RuntimeException first = null;
    for (T obj : objects) {
      try {
        if (claimOne(obj)) {
          claimed.add(obj);
        }
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return claimed;
  }

  private boolean claimOne(T obj) {
    OwnerReference ref = OwnerReferences.controllerOf(obj);
    String uid = controller.getMetadata().getUid();
    boolean beingDeleted = controller.getMetadata().getDeletionTimestamp() != null;
    if (ref != null) {
      if (!uid.equals(ref.getUid())) {
        return false;
      }
      if (selector.test(obj)) {
        return true;
      }
      if (beingDeleted) {
        return false;
      }
      release(obj);
      return false;
    }
    if (beingDeleted || !selector.test(obj)) {
      return false;
    }
    if (obj.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (canAdoptResult == null) {
      canAdoptResult = canAdopt.getAsBoolean();
    }
    if (!canAdoptResult) {
      throw new IllegalStateException(
          "can't adopt "
              + obj.getKind()
              + " "
              + obj.getMetadata().getName()
              + ": controller "
              + controller.getMetadata().getName()
              + " is being deleted or was replaced");
    }
    try {
      adopt(obj);
      return true;
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private void adopt(T obj) {
    List<OwnerReference> refs = new ArrayList<>(refsOf(obj));
    refs.add(controllerRef);
    patchOwnerReferences(obj, refs);
  }

  private void release(T obj) {
    List<OwnerReference> refs = new ArrayList<>(refsOf(obj));
    refs.removeIf(r -> controller.getMetadata().getUid().equals(r.getUid()));
    try {
      patchOwnerReferences(obj, refs);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private List<OwnerReference> refsOf(T obj) {
    return obj.getMetadata().getOwnerReferences() == null
        ? List.of()
        : obj.getMetadata().getOwnerReferences();
  }

  /** Replaces the owner references, only if the object is unchanged since it was read. */
  private void patchOwnerReferences(T obj, List<OwnerReference> refs) {
    String patch =
        DeepCopy.serialization()
            .asJson(
                Map.of(
                    "metadata",
                    Map.of(
                        "ownerReferences",
                        refs,
                        "resourceVersion",
                        obj.getMetadata().getResourceVersion())));
    writer.patch(obj, patch);
  }
}

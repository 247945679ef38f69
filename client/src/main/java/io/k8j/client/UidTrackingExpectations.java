package io.k8j.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k8j.common.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Expectations that also remember which pods a controller deleted, so that a deletion is counted
 * once however many times the watch reports it (a graceful delete is seen as an update with a
 * deletionTimestamp, then as a delete): upstream's {@code UIDTrackingControllerExpectations}.
 */
public final class UidTrackingExpectations extends ControllerExpectations {
  private final ConcurrentHashMap<String, Set<String>> deleting = new ConcurrentHashMap<>();

  public UidTrackingExpectations(Clock clock) {
    super(clock);
  }

  /** Expects the deletion of the pods with these keys ({@code namespace/name}). */
  public void expectDeletions(String key, Collection<String> podKeys) {
    Set<String> set = ConcurrentHashMap.newKeySet();
    set.addAll(podKeys);
    deleting.put(key, set);
    expectDeletions(key, podKeys.size());
  }

  /** A pod expected to go was seen going; counted once per pod. */
  public void deletionObserved(String key, String podKey) {
    Set<String> set = deleting.get(key);
    if (set != null && set.remove(podKey)) {
      deletionObserved(key);
    }
  }

  /**
   * Deletes the pods, each deletion expected first: one that does not happen ({@code delete}
   * returns false or throws) is expected no more. Goes on past failures, then throws the first one
   * that is not a 404 (a pod already gone is what was wanted).
   */
  public <P extends HasMetadata> void deleteAll(String key, List<P> pods, Predicate<P> delete) {
    if (pods.isEmpty()) {
      return;
    }
    expectDeletions(key, pods.stream().map(Keys::of).toList());
    RuntimeException first = null;
    for (P p : pods) {
      try {
        if (!delete.test(p)) {
          deletionObserved(key, Keys.of(p));
        }
      } catch (RuntimeException e) {
        deletionObserved(key, Keys.of(p));
        if (!ApiErrors.isNotFound(e) && first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The pods still expected to be deleted; for tests and logs. */
  public Set<String> deletionsPending(String key) {
    Set<String> set = deleting.get(key);
    return set == null ? Set.of() : new HashSet<>(set);
  }

  @Override
  public void delete(String key) {
    deleting.remove(key);
    super.delete(key);
  }
}

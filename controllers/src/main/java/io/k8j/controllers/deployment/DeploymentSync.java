package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.k8j.client.ApiErrors;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.OwnerReferences;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's {@code sync.go}: the revision bookkeeping and the creation of the new ReplicaSet, the
 * scaling of a Deployment that is paused or resized (proportionally across its ReplicaSets during a
 * rollout), cleanup of old ReplicaSets beyond revisionHistoryLimit, and status.
 *
 * <p>Methods take the Deployment as a private copy that they may change (status, annotations), as
 * upstream's do.
 */
final class DeploymentSync {
  static final String KIND = "Deployment";
  static final String API_VERSION = "apps/v1";

  /** A Deployment's ReplicaSets split into the new one (may be null) and the old ones. */
  record Split(ReplicaSet newRs, List<ReplicaSet> oldRss) {
    List<ReplicaSet> all() {
      List<ReplicaSet> all = new ArrayList<>(oldRss);
      if (newRs != null) {
        all.add(newRs);
      }
      return all;
    }
  }

  final ObjectWriter writer;
  final EventRecorder events;
  final Clock clock;
  private final Lister<ReplicaSet> replicaSets;

  DeploymentSync(
      ObjectWriter writer, EventRecorder events, Clock clock, Lister<ReplicaSet> replicaSets) {
    this.writer = writer;
    this.events = events;
    this.clock = clock;
    this.replicaSets = replicaSets;
  }

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static boolean hasProgressDeadline(Deployment d) {
    Integer p = d.getSpec().getProgressDeadlineSeconds();
    return p != null && p != Integer.MAX_VALUE;
  }

  /** Scales and cleans up a paused Deployment, or applies a change of its size. */
  void sync(Deployment d, List<ReplicaSet> rsList) {
    Split s = allReplicaSetsAndSyncRevision(d, rsList, false);
    scale(d, s.newRs(), s.oldRss());
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      cleanupDeployment(s.oldRss(), d);
    }
    syncDeploymentStatus(s.all(), s.newRs(), d);
  }

  /**
   * Upstream's {@code isScalingEvent}: an active ReplicaSet was sized for another replica count.
   */
  boolean isScalingEvent(Deployment d, List<ReplicaSet> rsList) {
    Split s = allReplicaSetsAndSyncRevision(d, rsList, false);
    for (ReplicaSet rs : ReplicaSets.active(s.all())) {
      Integer desired = Revisions.desiredReplicas(rs);
      if (desired != null && desired != replicas(d)) {
        return true;
      }
    }
    return false;
  }

  /** The status written while a Deployment is being deleted. */
  void syncStatusOnly(Deployment d, List<ReplicaSet> rsList) {
    Split s = allReplicaSetsAndSyncRevision(d, rsList, false);
    syncDeploymentStatus(s.all(), s.newRs(), d);
  }

  Split allReplicaSetsAndSyncRevision(
      Deployment d, List<ReplicaSet> rsList, boolean createIfMissing) {
    List<ReplicaSet> old = ReplicaSets.findOld(d, rsList);
    ReplicaSet newRs = newReplicaSet(d, rsList, old, createIfMissing);
    return new Split(newRs, old);
  }

  /**
   * Finds the new ReplicaSet and brings its annotations (revision, and history on a rollback) up to
   * date, or creates it, named {@code <deployment>-<pod-template-hash>}. An updated ReplicaSet
   * replaces the cached one in {@code rsList}, so that later steps of the same sync write on top of
   * it rather than conflict with it.
   */
  private ReplicaSet newReplicaSet(
      Deployment d, List<ReplicaSet> rsList, List<ReplicaSet> oldRss, boolean createIfMissing) {
    ReplicaSet existing = ReplicaSets.findNew(d, rsList);
    String newRevision = Long.toString(Revisions.maxRevision(oldRss) + 1);
    if (existing != null) {
      ReplicaSet copy = DeepCopy.of(existing);
      boolean annotationsUpdated = Rollback.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      boolean minReadyChanged =
          !Objects.equals(
              n(copy.getSpec().getMinReadySeconds()), n(d.getSpec().getMinReadySeconds()));
      if (annotationsUpdated || minReadyChanged) {
        copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
        ReplicaSet updated = writer.update(copy);
        rsList.replaceAll(
            rs ->
                Objects.equals(rs.getMetadata().getUid(), updated.getMetadata().getUid())
                    ? updated
                    : rs);
        return updated;
      }
      boolean needsUpdate =
          Revisions.setDeploymentRevision(d, Revisions.annotations(copy).get(Revisions.REVISION));
      DeploymentCondition cond =
          DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
      if (hasProgressDeadline(d) && cond == null) {
        DeploymentConditions.set(
            status(d),
            DeploymentConditions.create(
                DeploymentConditions.PROGRESSING,
                "True",
                DeploymentConditions.FOUND_NEW_RS,
                "Found new replica set \"" + copy.getMetadata().getName() + "\"",
                clock.now()));
        needsUpdate = true;
      }
      if (needsUpdate) {
        writeStatus(d);
      }
      return copy;
    }
    if (!createIfMissing) {
      return null;
    }
    return createNewReplicaSet(d, oldRss, newRevision);
  }

  private ReplicaSet createNewReplicaSet(
      Deployment d, List<ReplicaSet> oldRss, String newRevision) {
    String hash = PodTemplateHash.compute(d.getSpec().getTemplate(), status(d).getCollisionCount());
    var template = PodTemplateHash.withHashLabel(d.getSpec().getTemplate(), hash);
    LabelSelector selector = DeepCopy.of(d.getSpec().getSelector());
    Map<String, String> matchLabels =
        selector.getMatchLabels() == null
            ? new HashMap<>()
            : new HashMap<>(selector.getMatchLabels());
    matchLabels.put(PodTemplateHash.LABEL, hash);
    selector.setMatchLabels(matchLabels);
    OwnerReference ref = OwnerReferences.newControllerRef(d, API_VERSION, KIND);
    ReplicaSet newRs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withOwnerReferences(ref)
            .withLabels(template.getMetadata().getLabels())
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withMinReadySeconds(d.getSpec().getMinReadySeconds())
            .withSelector(selector)
            .withTemplate(template)
            .endSpec()
            .build();
    List<ReplicaSet> all = new ArrayList<>(oldRss);
    all.add(newRs);
    int newReplicas = newRsNewReplicas(d, all, newRs);
    newRs.getSpec().setReplicas(newReplicas);
    Rollback.setNewReplicaSetAnnotations(d, newRs, newRevision, false);
    boolean alreadyExists = false;
    ReplicaSet created;
    try {
      created = writer.create(newRs);
    } catch (RuntimeException e) {
      if (ApiErrors.isAlreadyExists(e)) {
        alreadyExists = true;
        ReplicaSet found =
            replicaSets.get(d.getMetadata().getNamespace(), newRs.getMetadata().getName());
        if (found == null) {
          throw e;
        }
        OwnerReference owner = OwnerReferences.controllerOf(found);
        if (owner != null
            && Objects.equals(owner.getUid(), d.getMetadata().getUid())
            && PodTemplateHash.equalIgnoreHash(
                d.getSpec().getTemplate(), found.getSpec().getTemplate())) {
          created = found;
        } else {
          DeploymentStatus st = status(d);
          st.setCollisionCount(st.getCollisionCount() == null ? 1 : st.getCollisionCount() + 1);
          writeStatus(d);
          throw e;
        }
      } else if (ApiErrors.code(e) == 403
          && String.valueOf(e.getMessage()).contains("being terminated")) {
        throw e;
      } else {
        String msg =
            "Failed to create new replica set \""
                + newRs.getMetadata().getName()
                + "\": "
                + e.getMessage();
        if (hasProgressDeadline(d)) {
          DeploymentConditions.set(
              status(d),
              DeploymentConditions.create(
                  DeploymentConditions.PROGRESSING,
                  "False",
                  DeploymentConditions.FAILED_RS_CREATE,
                  msg,
                  clock.now()));
          try {
            writeStatus(d);
          } catch (RuntimeException ignored) {
            // the failure to create is the error to report
          }
        }
        events.event(d, EventRecorder.WARNING, DeploymentConditions.FAILED_RS_CREATE, msg);
        throw e;
      }
    }
    if (!alreadyExists && newReplicas > 0) {
      events.event(
          d,
          EventRecorder.NORMAL,
          "ScalingReplicaSet",
          "Scaled up replica set " + created.getMetadata().getName() + " from 0 to " + newReplicas);
    }
    boolean needsUpdate = Revisions.setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      DeploymentConditions.set(
          status(d),
          DeploymentConditions.create(
              DeploymentConditions.PROGRESSING,
              "True",
              DeploymentConditions.NEW_RS_CREATED,
              "Created new replica set \"" + created.getMetadata().getName() + "\"",
              clock.now()));
      needsUpdate = true;
    }
    if (needsUpdate) {
      writeStatus(d);
    }
    return created;
  }

  /** How many replicas the new ReplicaSet may have now: upstream's {@code NewRSNewReplicas}. */
  static int newRsNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRs) {
    if (!Fenceposts.isRollingUpdate(d)) {
      return replicas(d);
    }
    int maxSurge =
        Fenceposts.scaled(
            d.getSpec().getStrategy().getRollingUpdate().getMaxSurge(), replicas(d), true);
    int current = ReplicaSets.replicaCount(all);
    int maxTotal = replicas(d) + maxSurge;
    if (current >= maxTotal) {
      return ReplicaSets.specReplicas(newRs);
    }
    int scaleUp = Math.min(maxTotal - current, replicas(d) - ReplicaSets.specReplicas(newRs));
    return ReplicaSets.specReplicas(newRs) + scaleUp;
  }

  /**
   * Brings the ReplicaSets to the Deployment's size: the one active (or latest) ReplicaSet takes it
   * all, a saturated new ReplicaSet makes the old ones go, and during a rolling update the replicas
   * to add or remove are spread over the active ReplicaSets in proportion to their size.
   */
  void scale(Deployment d, ReplicaSet newRs, List<ReplicaSet> oldRss) {
    ReplicaSet activeOrLatest = findActiveOrLatest(newRs, oldRss);
    if (activeOrLatest != null) {
      if (ReplicaSets.specReplicas(activeOrLatest) != replicas(d)) {
        scaleReplicaSetAndRecordEvent(activeOrLatest, replicas(d), d);
      }
      return;
    }
    if (ReplicaSets.isSaturated(d, newRs)) {
      for (ReplicaSet old : ReplicaSets.active(oldRss)) {
        scaleReplicaSetAndRecordEvent(old, 0, d);
      }
      return;
    }
    if (!Fenceposts.isRollingUpdate(d)) {
      return;
    }
    List<ReplicaSet> all = new ArrayList<>(oldRss);
    all.add(newRs);
    List<ReplicaSet> active = ReplicaSets.active(all);
    int allReplicas = ReplicaSets.replicaCount(active);
    int allowedSize = replicas(d) > 0 ? replicas(d) + Fenceposts.maxSurge(d) : 0;
    int toAdd = allowedSize - allReplicas;
    String operation = "";
    if (toAdd > 0) {
      active.sort(ReplicaSets.BY_SIZE_NEWER);
      operation = "up";
    } else if (toAdd < 0) {
      active.sort(ReplicaSets.BY_SIZE_OLDER);
      operation = "down";
    }
    int added = 0;
    Map<String, Integer> sizes = new HashMap<>();
    for (ReplicaSet rs : active) {
      if (toAdd != 0) {
        int proportion = proportion(rs, d, toAdd, added);
        sizes.put(rs.getMetadata().getName(), ReplicaSets.specReplicas(rs) + proportion);
        added += proportion;
      } else {
        sizes.put(rs.getMetadata().getName(), ReplicaSets.specReplicas(rs));
      }
    }
    for (int i = 0; i < active.size(); i++) {
      ReplicaSet rs = active.get(i);
      String name = rs.getMetadata().getName();
      if (i == 0 && toAdd != 0) {
        sizes.put(name, Math.max(0, sizes.get(name) + toAdd - added));
      }
      scaleReplicaSet(rs, sizes.get(name), d, operation);
    }
  }

  /** Upstream's {@code FindActiveOrLatest}. */
  static ReplicaSet findActiveOrLatest(ReplicaSet newRs, List<ReplicaSet> oldRss) {
    if (newRs == null && oldRss.isEmpty()) {
      return null;
    }
    List<ReplicaSet> olds = new ArrayList<>(oldRss);
    olds.sort(ReplicaSets.BY_CREATION.reversed());
    List<ReplicaSet> all = new ArrayList<>(olds);
    if (newRs != null) {
      all.add(newRs);
    }
    List<ReplicaSet> active = ReplicaSets.active(all);
    if (active.isEmpty()) {
      return newRs != null ? newRs : olds.get(0);
    }
    return active.size() == 1 ? active.get(0) : null;
  }

  /** Upstream's {@code GetProportion}. */
  static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
    if (rs == null || ReplicaSets.specReplicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = fraction(rs, d);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private static int fraction(ReplicaSet rs, Deployment d) {
    if (replicas(d) == 0) {
      return -ReplicaSets.specReplicas(rs);
    }
    int deploymentMax = replicas(d) + Fenceposts.maxSurge(d);
    Integer before = Revisions.maxReplicas(rs);
    int beforeScale;
    if (before == null || before == 0) {
      beforeScale = d.getStatus() == null ? 0 : n(d.getStatus().getReplicas());
      if (beforeScale == 0) {
        beforeScale = 1;
      }
    } else {
      beforeScale = before;
    }
    double newSize = (double) ReplicaSets.specReplicas(rs) * deploymentMax / beforeScale;
    return (int) Math.round(newSize) - ReplicaSets.specReplicas(rs);
  }

  /** Scales the ReplicaSet if its size differs; returns it as written (or as it was). */
  ReplicaSet scaleReplicaSetAndRecordEvent(ReplicaSet rs, int newScale, Deployment d) {
    if (ReplicaSets.specReplicas(rs) == newScale) {
      return rs;
    }
    return scaleReplicaSet(
        rs, newScale, d, ReplicaSets.specReplicas(rs) < newScale ? "up" : "down");
  }

  /** True if the last scale changed the ReplicaSet's size. */
  static boolean scaled(ReplicaSet before, ReplicaSet after) {
    return ReplicaSets.specReplicas(before) != ReplicaSets.specReplicas(after);
  }

  ReplicaSet scaleReplicaSet(ReplicaSet rs, int newScale, Deployment d, String operation) {
    boolean sizeNeedsUpdate = ReplicaSets.specReplicas(rs) != newScale;
    int desired = replicas(d);
    int max = desired + Fenceposts.maxSurge(d);
    boolean annotationsNeedUpdate = Revisions.replicasAnnotationsNeedUpdate(rs, desired, max);
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) {
      return rs;
    }
    int oldScale = ReplicaSets.specReplicas(rs);
    ReplicaSet copy = DeepCopy.of(rs);
    copy.getSpec().setReplicas(newScale);
    Revisions.setReplicasAnnotations(copy, desired, max);
    ReplicaSet updated = writer.update(copy);
    if (sizeNeedsUpdate) {
      events.event(
          d,
          EventRecorder.NORMAL,
          "ScalingReplicaSet",
          "Scaled "
              + operation
              + " replica set "
              + updated.getMetadata().getName()
              + " from "
              + oldScale
              + " to "
              + newScale);
    }
    return updated;
  }

  /**
   * Deletes the oldest ReplicaSets beyond revisionHistoryLimit, as long as they run no pods and
   * their status is current.
   */
  void cleanupDeployment(List<ReplicaSet> oldRss, Deployment d) {
    Integer limit = d.getSpec().getRevisionHistoryLimit();
    if (limit == null || limit == Integer.MAX_VALUE) {
      return;
    }
    List<ReplicaSet> cleanable = new ArrayList<>();
    for (ReplicaSet rs : oldRss) {
      if (rs != null && rs.getMetadata().getDeletionTimestamp() == null) {
        cleanable.add(rs);
      }
    }
    int diff = cleanable.size() - limit;
    if (diff <= 0) {
      return;
    }
    cleanable.sort(ReplicaSets.BY_REVISION);
    for (int i = 0; i < diff; i++) {
      ReplicaSet rs = cleanable.get(i);
      int statusReplicas = rs.getStatus() == null ? 0 : n(rs.getStatus().getReplicas());
      long observed =
          rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null
              ? 0
              : rs.getStatus().getObservedGeneration();
      long generation =
          rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
      if (statusReplicas != 0 || ReplicaSets.specReplicas(rs) != 0 || generation > observed) {
        continue;
      }
      try {
        writer.delete(rs, Deletion.DEFAULT);
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }

  void syncDeploymentStatus(List<ReplicaSet> all, ReplicaSet newRs, Deployment d) {
    DeploymentStatus newStatus = calculateStatus(all, newRs, d);
    if (Objects.equals(status(d), newStatus)) {
      return;
    }
    d.setStatus(newStatus);
    writeStatus(d);
  }

  /**
   * Upstream's {@code calculateStatus}: counts from the ReplicaSets, and the Available condition.
   */
  DeploymentStatus calculateStatus(List<ReplicaSet> all, ReplicaSet newRs, Deployment d) {
    int available = ReplicaSets.availableReplicaCount(all);
    int total = ReplicaSets.replicaCount(all);
    DeploymentStatus st = new DeploymentStatus();
    st.setObservedGeneration(d.getMetadata().getGeneration());
    st.setReplicas(ReplicaSets.actualReplicaCount(all));
    st.setUpdatedReplicas(newRs == null ? 0 : ReplicaSets.actualReplicaCount(List.of(newRs)));
    st.setReadyReplicas(ReplicaSets.readyReplicaCount(all));
    st.setAvailableReplicas(available);
    st.setUnavailableReplicas(Math.max(0, total - available));
    st.setCollisionCount(status(d).getCollisionCount());
    List<DeploymentCondition> conditions = new ArrayList<>();
    for (DeploymentCondition c : status(d).getConditions()) {
      conditions.add(DeepCopy.of(c));
    }
    st.setConditions(conditions);
    if (available >= replicas(d) - Fenceposts.maxUnavailable(d)) {
      DeploymentConditions.set(
          st,
          DeploymentConditions.create(
              DeploymentConditions.AVAILABLE,
              "True",
              DeploymentConditions.MIN_AVAILABLE,
              "Deployment has minimum availability.",
              clock.now()));
    } else {
      DeploymentConditions.set(
          st,
          DeploymentConditions.create(
              DeploymentConditions.AVAILABLE,
              "False",
              DeploymentConditions.MIN_UNAVAILABLE,
              "Deployment does not have minimum availability.",
              clock.now()));
    }
    return st;
  }

  /** The ReplicaFailure conditions of the new ReplicaSet, else of the others. */
  static List<DeploymentCondition> replicaFailures(List<ReplicaSet> all, ReplicaSet newRs) {
    List<DeploymentCondition> out = new ArrayList<>();
    if (newRs != null) {
      addFailures(newRs, out);
    }
    if (!out.isEmpty()) {
      return out;
    }
    for (ReplicaSet rs : all) {
      addFailures(rs, out);
    }
    return out;
  }

  private static void addFailures(ReplicaSet rs, List<DeploymentCondition> out) {
    if (rs == null || rs.getStatus() == null || rs.getStatus().getConditions() == null) {
      return;
    }
    for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
      if (DeploymentConditions.REPLICA_FAILURE.equals(c.getType())) {
        DeploymentCondition dc = new DeploymentCondition();
        dc.setType(c.getType());
        dc.setStatus(c.getStatus());
        dc.setReason(c.getReason());
        dc.setMessage(c.getMessage());
        dc.setLastUpdateTime(c.getLastTransitionTime());
        dc.setLastTransitionTime(c.getLastTransitionTime());
        out.add(dc);
      }
    }
  }

  static DeploymentStatus status(Deployment d) {
    if (d.getStatus() == null) {
      d.setStatus(new DeploymentStatus());
    }
    if (d.getStatus().getConditions() == null) {
      d.getStatus().setConditions(new ArrayList<>());
    }
    return d.getStatus();
  }

  /**
   * Writes the Deployment's status and, as upstream's status update does, its revision annotation;
   * keeps the copy's resourceVersion current so that the sync's next write does not conflict with
   * this one.
   */
  void writeStatus(Deployment d) {
    Deployment written = writer.updateStatus(d);
    String wanted = Revisions.annotations(d).get(Revisions.REVISION);
    if (wanted != null && !wanted.equals(Revisions.annotations(written).get(Revisions.REVISION))) {
      written =
          writer.patch(
              d,
              "{\"metadata\":{\"annotations\":{\""
                  + Revisions.REVISION
                  + "\":\""
                  + wanted
                  + "\"}}}");
    }
    d.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}

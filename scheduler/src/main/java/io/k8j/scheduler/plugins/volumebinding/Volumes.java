package io.k8j.scheduler.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.plugins.helper.RequiredNodeAffinity.NodeSelectorMatcher;
import java.util.List;
import java.util.Objects;

/** Matching volumes to claims and nodes, as upstream's {@code volume/util} does for static PVs. */
final class Volumes {
  private Volumes() {}

  static String claimKey(PersistentVolumeClaim pvc) {
    return pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName();
  }

  /** Whether the volume's node affinity admits the node (no affinity: every node). */
  static boolean reachableFrom(PersistentVolume pv, NodeInfo node) {
    if (pv.getSpec() == null
        || pv.getSpec().getNodeAffinity() == null
        || pv.getSpec().getNodeAffinity().getRequired() == null) {
      return true;
    }
    return NodeSelectorMatcher.of(pv.getSpec().getNodeAffinity().getRequired())
        .matches(node.name(), node.labels());
  }

  /** Whether an available volume can serve the claim: class, mode, access modes and size. */
  static boolean fits(PersistentVolume pv, PersistentVolumeClaim pvc) {
    if (pv.getMetadata().getDeletionTimestamp() != null || pv.getSpec() == null) {
      return false;
    }
    var ref = pv.getSpec().getClaimRef();
    if (ref != null
        && !(Objects.equals(ref.getNamespace(), pvc.getMetadata().getNamespace())
            && Objects.equals(ref.getName(), pvc.getMetadata().getName())
            && (ref.getUid() == null || ref.getUid().equals(pvc.getMetadata().getUid())))) {
      return false;
    }
    String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
    if ("Released".equals(phase) || "Failed".equals(phase)) {
      return false;
    }
    if (!Objects.equals(
        nullToEmpty(pv.getSpec().getStorageClassName()),
        nullToEmpty(pvc.getSpec().getStorageClassName()))) {
      return false;
    }
    String pvMode =
        pv.getSpec().getVolumeMode() == null ? "Filesystem" : pv.getSpec().getVolumeMode();
    String pvcMode =
        pvc.getSpec().getVolumeMode() == null ? "Filesystem" : pvc.getSpec().getVolumeMode();
    if (!pvMode.equals(pvcMode)) {
      return false;
    }
    List<String> want = pvc.getSpec().getAccessModes();
    List<String> have = pv.getSpec().getAccessModes();
    if (want != null && !want.isEmpty() && (have == null || !have.containsAll(want))) {
      return false;
    }
    if (pvc.getSpec().getSelector() != null) {
      var sel = io.k8j.scheduler.framework.Selector.of(pvc.getSpec().getSelector());
      var labels = pv.getMetadata().getLabels();
      if (!sel.matches(labels == null ? java.util.Map.of() : labels)) {
        return false;
      }
    }
    return capacity(pv) >= request(pvc);
  }

  static long capacity(PersistentVolume pv) {
    Quantity q =
        pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage");
    return q == null ? 0 : q.getNumericalAmount().longValue();
  }

  static long request(PersistentVolumeClaim pvc) {
    if (pvc.getSpec().getResources() == null
        || pvc.getSpec().getResources().getRequests() == null) {
      return 0;
    }
    Quantity q = pvc.getSpec().getResources().getRequests().get("storage");
    return q == null ? 0 : q.getNumericalAmount().longValue();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

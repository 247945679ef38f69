package io.k8j.scheduler.plugins.volumebinding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreBindPlugin;
import io.k8j.scheduler.framework.PreFilterPlugin;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.ReservePlugin;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.util.PodApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Persistent volume claims of a pod, as upstream's VolumeBinding for statically provisioned (local)
 * volumes: a bound claim's volume must be reachable from the node (its node affinity); an unbound
 * claim whose StorageClass waits for the first consumer needs an available volume that fits and is
 * reachable from the node; the volume is reserved for the claim when the pod is assumed and bound
 * to it (volume's {@code claimRef}, claim's {@code volumeName}) before the pod is bound. Claims
 * with immediate binding wait for the volume controller.
 */
public final class VolumeBinding
    implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions {
  public static final String NAME = "VolumeBinding";
  public static final String ERR_REASON_BIND_CONFLICT =
      "node(s) didn't find available persistent volumes to bind";
  public static final String ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict";
  public static final String ERR_REASON_PV_NOT_EXIST =
      "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
  public static final String ERR_REASON_UNBOUND_IMMEDIATE =
      "pod has unbound immediate PersistentVolumeClaims";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StateKey<State> STATE_KEY = StateKey.of("PreFilter" + NAME, State.class);

  /** The pod's claims, sorted, and the volumes chosen per node by the filter. */
  static final class State implements StateData {
    final List<PersistentVolumeClaim> bound;
    final List<PersistentVolumeClaim> toBind;
    final Map<String, Map<String, PersistentVolume>> chosenByNode = new ConcurrentHashMap<>();

    State(List<PersistentVolumeClaim> bound, List<PersistentVolumeClaim> toBind) {
      this.bound = bound;
      this.toBind = toBind;
    }

    @Override
    public StateData copy() {
      return this;
    }
  }

  private final Handle handle;

  /**
   * Volumes reserved for a claim (claim key) by an assumed pod, until the volume shows it bound.
   */
  private final Map<String, String> assumed = new ConcurrentHashMap<>();

  private VolumeBinding(Handle handle) {
    this.handle = handle;
  }

  public static VolumeBinding create(JsonNode args, Handle handle) {
    return new VolumeBinding(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    List<Volume> volumes = pod.pod().getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return PreFilterResult.skip();
    }
    if (!assumed.isEmpty()) {
      forgetConfirmed();
    }
    List<PersistentVolumeClaim> bound = new ArrayList<>();
    List<PersistentVolumeClaim> toBind = new ArrayList<>();
    boolean any = false;
    for (Volume v : volumes) {
      String claim;
      boolean ephemeral = false;
      if (v.getPersistentVolumeClaim() != null) {
        claim = v.getPersistentVolumeClaim().getClaimName();
      } else if (v.getEphemeral() != null) {
        claim = pod.name() + "-" + v.getName();
        ephemeral = true;
      } else {
        continue;
      }
      any = true;
      PersistentVolumeClaim pvc = handle.objects().persistentVolumeClaim(pod.namespace(), claim);
      if (pvc == null) {
        return PreFilterResult.of(
            Status.unresolvable(
                ephemeral
                    ? "waiting for ephemeral volume controller to create the persistentvolumeclaim \""
                        + claim
                        + "\""
                    : "persistentvolumeclaim \"" + claim + "\" not found"));
      }
      if (pvc.getMetadata().getDeletionTimestamp() != null) {
        return PreFilterResult.of(
            Status.unresolvable("persistentvolumeclaim \"" + claim + "\" is being deleted"));
      }
      String volumeName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
      if (volumeName != null && !volumeName.isEmpty()) {
        bound.add(pvc);
      } else if (waitsForFirstConsumer(pvc)) {
        toBind.add(pvc);
      } else {
        return PreFilterResult.of(Status.unresolvable(ERR_REASON_UNBOUND_IMMEDIATE));
      }
    }
    if (!any) {
      return PreFilterResult.skip();
    }
    state.write(STATE_KEY, new State(bound, toBind));
    return PreFilterResult.ok();
  }

  private boolean waitsForFirstConsumer(PersistentVolumeClaim pvc) {
    String cls = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    if (cls == null || cls.isEmpty()) {
      return false;
    }
    StorageClass sc = handle.objects().storageClass(cls);
    return sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(STATE_KEY);
    for (PersistentVolumeClaim pvc : s.bound) {
      PersistentVolume pv = handle.objects().persistentVolume(pvc.getSpec().getVolumeName());
      if (pv == null) {
        return Status.unresolvable(ERR_REASON_PV_NOT_EXIST);
      }
      if (!Volumes.reachableFrom(pv, node)) {
        return Status.unresolvable(ERR_REASON_NODE_CONFLICT);
      }
    }
    if (s.toBind.isEmpty()) {
      return Status.SUCCESS;
    }
    Map<String, PersistentVolume> chosen = new java.util.HashMap<>();
    List<PersistentVolume> all = handle.objects().persistentVolumes();
    for (PersistentVolumeClaim pvc : s.toBind) {
      String key = Volumes.claimKey(pvc);
      PersistentVolume best = null;
      for (PersistentVolume pv : all) {
        String owner = assumed.get(pv.getMetadata().getName());
        if (owner != null && !owner.equals(key)) {
          continue;
        }
        if (chosen.containsValue(pv)
            || !Volumes.fits(pv, pvc)
            || !Volumes.reachableFrom(pv, node)) {
          continue;
        }
        if (best == null || Volumes.capacity(pv) < Volumes.capacity(best)) {
          best = pv;
        }
      }
      if (best == null) {
        return Status.unschedulable(ERR_REASON_BIND_CONFLICT);
      }
      chosen.put(key, best);
    }
    s.chosenByNode.put(node.name(), chosen);
    return Status.SUCCESS;
  }

  @Override
  public Status reserve(CycleState state, PodInfo pod, String nodeName) {
    State s = state.find(STATE_KEY);
    if (s == null || s.toBind.isEmpty()) {
      return Status.SUCCESS;
    }
    Map<String, PersistentVolume> chosen = s.chosenByNode.get(nodeName);
    if (chosen == null) {
      return Status.error("no volumes were chosen for node " + nodeName);
    }
    List<String> taken = new ArrayList<>();
    for (Map.Entry<String, PersistentVolume> e : chosen.entrySet()) {
      String pv = e.getValue().getMetadata().getName();
      String prior = assumed.putIfAbsent(pv, e.getKey());
      if (prior != null && !prior.equals(e.getKey())) {
        taken.forEach(assumed::remove);
        return Status.unschedulable(ERR_REASON_BIND_CONFLICT);
      }
      taken.add(pv);
    }
    return Status.SUCCESS;
  }

  @Override
  public void unreserve(CycleState state, PodInfo pod, String nodeName) {
    State s = state.find(STATE_KEY);
    if (s == null) {
      return;
    }
    Map<String, PersistentVolume> chosen = s.chosenByNode.get(nodeName);
    if (chosen != null) {
      chosen.forEach((claim, pv) -> assumed.remove(pv.getMetadata().getName(), claim));
    }
  }

  /** Binds each chosen volume to its claim: the volume's claimRef, then the claim's volumeName. */
  @Override
  public Status preBind(CycleState state, PodInfo pod, String nodeName) {
    State s = state.find(STATE_KEY);
    if (s == null || s.toBind.isEmpty()) {
      return Status.SUCCESS;
    }
    PodApi api = handle.podApi();
    try {
      for (PersistentVolumeClaim pvc : s.toBind) {
        PersistentVolume pv = s.chosenByNode.get(nodeName).get(Volumes.claimKey(pvc));
        ObjectNode pvPatch = JSON.createObjectNode();
        pvPatch.putObject("metadata").put("resourceVersion", pv.getMetadata().getResourceVersion());
        pvPatch
            .putObject("spec")
            .putObject("claimRef")
            .put("apiVersion", "v1")
            .put("kind", "PersistentVolumeClaim")
            .put("namespace", pvc.getMetadata().getNamespace())
            .put("name", pvc.getMetadata().getName())
            .put("uid", pvc.getMetadata().getUid());
        api.send(
                "PATCH",
                "/api/v1/persistentvolumes/" + enc(pv.getMetadata().getName()),
                "application/merge-patch+json",
                pvPatch.toString())
            .get(30, TimeUnit.SECONDS);
        ObjectNode pvcPatch = JSON.createObjectNode();
        ObjectNode annotations = pvcPatch.putObject("metadata").putObject("annotations");
        annotations.put("pv.kubernetes.io/bind-completed", "yes");
        annotations.put("volume.kubernetes.io/selected-node", nodeName);
        pvcPatch.putObject("spec").put("volumeName", pv.getMetadata().getName());
        api.send(
                "PATCH",
                "/api/v1/namespaces/"
                    + enc(pvc.getMetadata().getNamespace())
                    + "/persistentvolumeclaims/"
                    + enc(pvc.getMetadata().getName()),
                "application/merge-patch+json",
                pvcPatch.toString())
            .get(30, TimeUnit.SECONDS);
      }
      return Status.SUCCESS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error("interrupted while binding volumes");
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      return Status.error("binding volumes: " + c.getMessage());
    }
  }

  /** Drops reservations whose volumes now show their claim (or are gone). */
  private void forgetConfirmed() {
    assumed
        .keySet()
        .removeIf(
            pv -> {
              PersistentVolume v = handle.objects().persistentVolume(pv);
              return v == null || (v.getSpec() != null && v.getSpec().getClaimRef() != null);
            });
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.PERSISTENT_VOLUME_CLAIM, ActionType.ADD | ActionType.UPDATE),
        ClusterEvent.WithHint.of(
            EventResource.PERSISTENT_VOLUME, ActionType.ADD | ActionType.UPDATE),
        ClusterEvent.WithHint.of(EventResource.STORAGE_CLASS, ActionType.ADD | ActionType.UPDATE),
        ClusterEvent.WithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
        ClusterEvent.WithHint.of(EventResource.ASSIGNED_POD, ActionType.DELETE));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

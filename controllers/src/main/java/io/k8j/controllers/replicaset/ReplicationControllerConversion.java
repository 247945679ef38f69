package io.k8j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.k8j.client.DeepCopy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** ReplicationControllers to ReplicaSets and back, as upstream's {@code replication/conversion}. */
final class ReplicationControllerConversion {
  private ReplicationControllerConversion() {}

  static ReplicaSet toReplicaSet(ReplicationController rc) {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(DeepCopy.of(rc.getMetadata()));
    ReplicationControllerSpec s = rc.getSpec();
    ReplicaSetSpec spec = new ReplicaSetSpec();
    spec.setReplicas(s.getReplicas());
    spec.setMinReadySeconds(s.getMinReadySeconds());
    spec.setTemplate(s.getTemplate() == null ? null : DeepCopy.of(s.getTemplate()));
    if (s.getSelector() != null) {
      LabelSelector sel = new LabelSelector();
      sel.setMatchLabels(new HashMap<>(s.getSelector()));
      spec.setSelector(sel);
    }
    rs.setSpec(spec);
    ReplicaSetStatus status = new ReplicaSetStatus();
    ReplicationControllerStatus st = rc.getStatus();
    if (st != null) {
      status.setReplicas(st.getReplicas());
      status.setFullyLabeledReplicas(st.getFullyLabeledReplicas());
      status.setReadyReplicas(st.getReadyReplicas());
      status.setAvailableReplicas(st.getAvailableReplicas());
      status.setObservedGeneration(st.getObservedGeneration());
      List<ReplicaSetCondition> conds = new ArrayList<>();
      if (st.getConditions() != null) {
        for (ReplicationControllerCondition c : st.getConditions()) {
          ReplicaSetCondition out = new ReplicaSetCondition();
          out.setType(c.getType());
          out.setStatus(c.getStatus());
          out.setReason(c.getReason());
          out.setMessage(c.getMessage());
          out.setLastTransitionTime(c.getLastTransitionTime());
          conds.add(out);
        }
      }
      status.setConditions(conds);
    }
    rs.setStatus(status);
    return rs;
  }

  static ReplicationController toReplicationController(ReplicaSet rs) {
    ReplicationController rc = new ReplicationController();
    rc.setMetadata(DeepCopy.of(rs.getMetadata()));
    ReplicationControllerSpec spec = new ReplicationControllerSpec();
    spec.setReplicas(rs.getSpec().getReplicas());
    spec.setMinReadySeconds(rs.getSpec().getMinReadySeconds());
    spec.setTemplate(
        rs.getSpec().getTemplate() == null ? null : DeepCopy.of(rs.getSpec().getTemplate()));
    if (rs.getSpec().getSelector() != null && rs.getSpec().getSelector().getMatchLabels() != null) {
      spec.setSelector(new HashMap<>(rs.getSpec().getSelector().getMatchLabels()));
    }
    rc.setSpec(spec);
    ReplicaSetStatus st = rs.getStatus();
    if (st != null) {
      ReplicationControllerStatus status = new ReplicationControllerStatus();
      status.setReplicas(st.getReplicas());
      status.setFullyLabeledReplicas(st.getFullyLabeledReplicas());
      status.setReadyReplicas(st.getReadyReplicas());
      status.setAvailableReplicas(st.getAvailableReplicas());
      status.setObservedGeneration(st.getObservedGeneration());
      List<ReplicationControllerCondition> conds = new ArrayList<>();
      if (st.getConditions() != null) {
        for (ReplicaSetCondition c : st.getConditions()) {
          ReplicationControllerCondition out = new ReplicationControllerCondition();
          out.setType(c.getType());
          out.setStatus(c.getStatus());
          out.setReason(c.getReason());
          out.setMessage(c.getMessage());
          out.setLastTransitionTime(c.getLastTransitionTime());
          conds.add(out);
        }
      }
      status.setConditions(conds);
      rc.setStatus(status);
    }
    return rc;
  }
}

package io.k8j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.k8j.controllers.shared.OwnerReferences;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.Map;

/** Objects for unit tests, as they would come out of an informer's cache. */
public final class Fixtures {
  private Fixtures() {}

  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  public static PodTemplateSpec template(Map<String, String> labels, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  public static ReplicaSet replicaSet(String name, int replicas, Map<String, String> labels) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .withUid("uid-" + name)
        .withResourceVersion("1")
        .withGeneration(1L)
        .withCreationTimestamp(Times.format(T0))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withTemplate(template(labels, "app:v1"))
        .endSpec()
        .withNewStatus()
        .endStatus()
        .build();
  }

  public static PodBuilder pod(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .withUid("uid-" + name)
        .withResourceVersion("1")
        .withLabels(labels)
        .withCreationTimestamp(Times.format(T0))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app:v1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus();
  }

  /** A pod owned by {@code owner}, in {@code phase}, ready since {@code readySince} if not null. */
  public static Pod ownedPod(
      String name,
      HasMetadata owner,
      Map<String, String> labels,
      String phase,
      Instant readySince,
      String node,
      Instant created) {
    PodBuilder b =
        pod(name, labels)
            .editMetadata()
            .withCreationTimestamp(Times.format(created))
            .endMetadata()
            .editSpec()
            .withNodeName(node)
            .endSpec()
            .editStatus()
            .withPhase(phase)
            .endStatus();
    if (owner != null) {
      b.editMetadata()
          .addToOwnerReferences(
              OwnerReferences.newControllerRef(owner, owner.getApiVersion(), owner.getKind()))
          .endMetadata();
    }
    if (readySince != null) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus("True")
          .withLastTransitionTime(Times.format(readySince))
          .endCondition()
          .endStatus();
    }
    return b.build();
  }
}

package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Creates and deletes the pods of a controller and records the events upstream records ({@code
 * SuccessfulCreate} / {@code FailedCreate}, {@code SuccessfulDelete} / {@code FailedDelete}): the
 * {@code RealPodControl} of upstream's {@code controller_utils}.
 */
public final class PodControl {
  private final ObjectWriter writer;
  private final EventRecorder events;

  public PodControl(ObjectWriter writer, EventRecorder events) {
    this.writer = writer;
    this.events = events;
  }

  /** Creates a pod from the template, named {@code <owner>-<random>}, controlled by the owner. */
  public Pod createPod(PodTemplateSpec template, HasMetadata owner, OwnerReference controllerRef) {
    Pod pod = podFromTemplate(template, owner, controllerRef);
    try {
      Pod created = writer.create(pod);
      events.event(
          owner,
          EventRecorder.NORMAL,
          "SuccessfulCreate",
          "Created pod: " + created.getMetadata().getName());
      return created;
    } catch (RuntimeException e) {
      events.event(
          owner, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
      throw e;
    }
  }

  /** Upstream's {@code GetPodFromTemplate}. */
  public static Pod podFromTemplate(
      PodTemplateSpec template, HasMetadata owner, OwnerReference controllerRef) {
    PodTemplateSpec t = DeepCopy.of(template);
    ObjectMeta tm = t.getMetadata() == null ? new ObjectMeta() : t.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(owner.getMetadata().getNamespace());
    meta.setGenerateName(podsPrefix(owner.getMetadata().getName()));
    meta.setLabels(tm.getLabels() == null ? new HashMap<>() : tm.getLabels());
    meta.setAnnotations(tm.getAnnotations() == null ? new HashMap<>() : tm.getAnnotations());
    meta.setFinalizers(tm.getFinalizers() == null ? new ArrayList<>() : tm.getFinalizers());
    if (controllerRef != null) {
      meta.setOwnerReferences(new ArrayList<>(List.of(controllerRef)));
    }
    Pod pod = new Pod();
    pod.setMetadata(meta);
    pod.setSpec(t.getSpec());
    return pod;
  }

  /** {@code name-}, shortened so that the generated name stays a valid DNS subdomain. */
  static String podsPrefix(String controllerName) {
    String prefix = controllerName + "-";
    return prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
  }

  /** Deletes the pod; false if it was already gone. */
  public boolean deletePod(Pod pod, HasMetadata owner) {
    try {
      boolean deleted =
          writer.delete(pod, Deletion.DEFAULT.withPreconditionUid(pod.getMetadata().getUid()));
      if (deleted) {
        events.event(
            owner,
            EventRecorder.NORMAL,
            "SuccessfulDelete",
            "Deleted pod: " + pod.getMetadata().getName());
      }
      return deleted;
    } catch (RuntimeException e) {
      events.event(
          owner, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
      throw e;
    }
  }
}

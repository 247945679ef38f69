package io.k8j.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class FitErrorTest {
  private static final PodInfo POD =
      PodInfo.of(
          new PodBuilder()
              .withNewMetadata()
              .withName("p")
              .withNamespace("d")
              .withUid("u")
              .endMetadata()
              .withNewSpec()
              .endSpec()
              .build());

  @Test
  void histogramOfReasonsSortedAsStrings() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("a", Status.unschedulable("Insufficient cpu"));
    d.nodeToStatus().set("b", Status.unresolvable("node(s) had untolerated taint {key: value}"));
    d.nodeToStatus().set("c", Status.unresolvable("node(s) had untolerated taint {key: value}"));
    d.setPostFilterMessage(
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    assertThat(new FitError(POD, 3, d).getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {key:"
                + " value}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for"
                + " scheduling.");
  }

  @Test
  void nodesNotEvaluatedCountUnderTheAbsentStatus() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("a", Status.unschedulable("Insufficient cpu", "Insufficient memory"));
    d.nodeToStatus()
        .setAbsentNodesStatus(
            Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"));
    assertThat(new FitError(POD, 4, d).getMessage())
        .isEqualTo(
            "0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 3 node(s) didn't"
                + " satisfy plugin(s) [NodeAffinity].");
  }

  @Test
  void preFilterMessageReplacesTheHistogram() {
    Diagnosis d = new Diagnosis();
    d.setPreFilterMessage("node(s) didn't satisfy plugin NodeAffinity");
    d.nodeToStatus().setAbsentNodesStatus(Status.unresolvable("x"));
    assertThat(new FitError(POD, 2, d).getMessage())
        .isEqualTo("0/2 nodes are available: node(s) didn't satisfy plugin NodeAffinity.");
  }
}

package io.k8j.scheduler.plugins.volumebinding;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.k8j.scheduler.FakeClusterObjects;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VolumeBindingTest {
  private final FakeClusterObjects objects = new FakeClusterObjects();
  private TestHandle handle;
  private VolumeBinding plugin;

  @BeforeEach
  void cluster() {
    handle =
        new TestHandle(
            Snapshot.of(List.of(node("a").build(), node("b").build()), List.of()), objects);
    plugin = VolumeBinding.create(null, handle);
    objects.storageClasses.add(
        new StorageClassBuilder()
            .withNewMetadata()
            .withName("local")
            .endMetadata()
            .withProvisioner("kubernetes.io/no-provisioner")
            .withVolumeBindingMode("WaitForFirstConsumer")
            .build());
    objects.storageClasses.add(
        new StorageClassBuilder()
            .withNewMetadata()
            .withName("now")
            .endMetadata()
            .withProvisioner("example.com/x")
            .withVolumeBindingMode("Immediate")
            .build());
  }

  private static PersistentVolume localPv(String name, String node, String size) {
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .withResourceVersion("1")
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity(size)))
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName("local")
        .withNewLocal()
        .withPath("/mnt/" + name)
        .endLocal()
        .withNewNodeAffinity()
        .withNewRequired()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey("kubernetes.io/hostname")
        .withOperator("In")
        .withValues(node)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequired()
        .endNodeAffinity()
        .endSpec()
        .build();
  }

  private static PersistentVolumeClaim claim(String name, String cls, String size, String volume) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .withStorageClassName(cls)
        .withAccessModes("ReadWriteOnce")
        .withVolumeName(volume)
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(size)))
        .endResources()
        .endSpec()
        .build();
  }

  private static Pod using(String name, String claim) {
    Pod p = pod(name).build();
    p.getSpec()
        .setVolumes(
            List.of(
                new VolumeBuilder()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName(claim)
                    .endPersistentVolumeClaim()
                    .build()));
    return p;
  }

  private Status filter(CycleState s, Pod pod, String node) {
    PodInfo p = PodInfo.of(pod);
    PreFilterResult r = plugin.preFilter(s, p);
    if (!r.status().isSuccess()) {
      return r.status();
    }
    return plugin.filter(s, p, handle.snapshot().get(node));
  }

  @Test
  void boundClaimsFollowTheirVolumesNodeAffinity() {
    objects.pvs.add(localPv("pv-a", "a", "10Gi"));
    objects.pvcs.add(claim("data", "local", "5Gi", "pv-a"));
    assertThat(filter(new CycleState(), using("p", "data"), "a").isSuccess()).isTrue();
    Status s = filter(new CycleState(), using("p", "data"), "b");
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons()).containsExactly("node(s) had volume node affinity conflict");
  }

  @Test
  void waitingClaimsFindAFittingLocalVolume() {
    objects.pvs.add(localPv("pv-a", "a", "10Gi"));
    objects.pvs.add(localPv("pv-b", "b", "5Gi"));
    objects.pvcs.add(claim("data", "local", "8Gi", null));
    CycleState s = new CycleState();
    assertThat(filter(s, using("p", "data"), "a").isSuccess()).isTrue();
    Status b = filter(new CycleState(), using("p", "data"), "b");
    assertThat(b.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(b.reasons())
        .containsExactly("node(s) didn't find available persistent volumes to bind");
  }

  @Test
  void aReservedVolumeIsNotOfferedToAnotherClaim() {
    objects.pvs.add(localPv("pv-a", "a", "10Gi"));
    objects.pvcs.add(claim("one", "local", "1Gi", null));
    objects.pvcs.add(claim("two", "local", "1Gi", null));
    CycleState s = new CycleState();
    PodInfo first = PodInfo.of(using("p1", "one"));
    assertThat(filter(s, first.pod(), "a").isSuccess()).isTrue();
    assertThat(plugin.reserve(s, first, "a").isSuccess()).isTrue();
    assertThat(filter(new CycleState(), using("p2", "two"), "a").isSuccess()).isFalse();
    plugin.unreserve(s, first, "a");
    assertThat(filter(new CycleState(), using("p2", "two"), "a").isSuccess()).isTrue();
  }

  @Test
  void missingAndImmediateClaimsAreUnresolvable() {
    Status missing = filter(new CycleState(), using("p", "nope"), "a");
    assertThat(missing.reasons()).containsExactly("persistentvolumeclaim \"nope\" not found");
    objects.pvcs.add(claim("imm", "now", "1Gi", null));
    Status imm = filter(new CycleState(), using("p", "imm"), "a");
    assertThat(imm.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(imm.reasons()).containsExactly("pod has unbound immediate PersistentVolumeClaims");
  }

  @Test
  void podsWithoutClaimsSkip() {
    assertThat(plugin.preFilter(new CycleState(), PodInfo.of(pod("p").build())).status().isSkip())
        .isTrue();
  }
}

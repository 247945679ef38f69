package io.k8j.scheduler.plugins.imagelocality;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.cache.SchedulerCache;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.PodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageLocalityTest {
  private static final long MB = 1024L * 1024;

  @Test
  void prefersNodesWithBigWidelySpreadImages() {
    SchedulerCache cache = new SchedulerCache();
    Node a = node("a").build();
    a.getStatus().setImages(List.of(new ContainerImage(List.of("big:1.0"), 500 * MB)));
    Node b = node("b").build();
    b.getStatus().setImages(List.of(new ContainerImage(List.of("big:1.0"), 500 * MB)));
    Node c = node("c").build();
    cache.addNode(a);
    cache.addNode(b);
    cache.addNode(c);
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    ImageLocality plugin = ImageLocality.create(null, new TestHandle(s, ClusterObjects.EMPTY));
    PodInfo p = PodInfo.of(pod("p").image("big:1.0").build());
    // 500MB spread over 2 of 3 nodes: 333MB; (333 - 23) * 100 / (1000 - 23) = 31.
    assertThat(plugin.score(new CycleState(), p, s.get("a"))).isEqualTo(31);
    assertThat(plugin.score(new CycleState(), p, s.get("c"))).isZero();
    PodInfo untagged = PodInfo.of(pod("q").image("big").build());
    assertThat(plugin.score(new CycleState(), untagged, s.get("a"))).isZero();
  }

  @Test
  void namesWithoutTagGetLatest() {
    assertThat(ImageLocality.normalizedImageName("nginx")).isEqualTo("nginx:latest");
    assertThat(ImageLocality.normalizedImageName("registry:5000/nginx"))
        .isEqualTo("registry:5000/nginx:latest");
    assertThat(ImageLocality.normalizedImageName("nginx:1.27")).isEqualTo("nginx:1.27");
  }
}

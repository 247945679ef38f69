package io.k8j.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodNetnsOwnersTest {
  @TempDir Path tmp;

  @Test
  void namespacesOfRuntimesThatAreGoneAreOrphansAndThoseOfLiveOnesAreNot() throws Exception {
    Path records = tmp.resolve("records");
    Path netns = Files.createDirectories(tmp.resolve("netns"));
    Instant now = Instant.now();
    try (PodNetnsOwners live =
        new PodNetnsOwners(records, netns, tmp.resolve("live"), n -> !n.contains("busy"))) {
      Files.createFile(netns.resolve("k8jpod-live"));
      live.record("k8jpod-live");
      // made by a runtime of this JVM that has closed since
      PodNetnsOwners closed = new PodNetnsOwners(records, netns, tmp.resolve("closed"), n -> true);
      Files.createFile(netns.resolve("k8jpod-closed"));
      closed.record("k8jpod-closed");
      closed.close();
      // made by a process that is gone
      Files.createFile(netns.resolve("k8jpod-dead"));
      Files.writeString(records.resolve("k8jpod-dead"), "999999999\n\n/gone\n");
      // unrecorded: stale once old and empty, left alone while new or in use
      for (String n : List.of("k8jpod-oldunknown", "k8jpod-oldbusy")) {
        Files.createFile(netns.resolve(n));
        Files.setLastModifiedTime(
            netns.resolve(n), FileTime.from(now.minus(Duration.ofMinutes(11))));
      }
      Files.createFile(netns.resolve("k8jpod-newunknown"));
      // not ours at all
      Files.createFile(netns.resolve("cni-1234"));

      try (PodNetnsOwners other =
          new PodNetnsOwners(records, netns, tmp.resolve("other"), n -> !n.contains("busy"))) {
        assertThat(other.orphans(now))
            .containsExactlyInAnyOrder("k8jpod-closed", "k8jpod-dead", "k8jpod-oldunknown");
      }
      // a runtime reopening a state directory owns nothing of what was recorded under it before
      try (PodNetnsOwners again =
          new PodNetnsOwners(records, netns, tmp.resolve("closed"), n -> true)) {
        assertThat(again.orphans(now)).contains("k8jpod-closed").doesNotContain("k8jpod-live");
      }
    }
  }
}

package io.k8j.controllers.ttlafterfinished;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlAfterFinishedControllerTest {
  final FakeClock clock = new FakeClock(Fixtures.T0);
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final TtlAfterFinishedController controller =
      new TtlAfterFinishedController(informers, writer, writer, clock);

  Job job(String name, Integer ttl, String condition) {
    JobBuilder b =
        new JobBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName(name)
            .withUid("uid-" + name)
            .endMetadata()
            .withNewSpec()
            .withTtlSecondsAfterFinished(ttl)
            .endSpec()
            .withNewStatus()
            .endStatus();
    if (condition != null) {
      b.editStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .withLastTransitionTime(Times.format(clock.now()))
          .endCondition()
          .endStatus();
    }
    Job j = b.build();
    informers.forType(Job.class).add(j);
    return j;
  }

  private void drain() {
    try {
      while (controller.queue().length() > 0) {
        controller.queue().done(controller.queue().get());
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFinishedJobIsDeletedInTheForegroundWhenItsTtlRunsOut() {
    job("done", 30, "Complete");
    job("failed", 0, "Failed");
    job("running", 30, null);
    job("kept", null, "Complete");
    controller.sync("default/done");
    controller.sync("default/failed");
    controller.sync("default/running");
    controller.sync("default/kept");
    assertThat(writer.log()).containsExactly("delete Job default/failed");
    assertThat(writer.actions("delete", "Job").get(0).deletion().propagationPolicy())
        .isEqualTo("Foreground");
    assertThat(writer.actions("delete", "Job").get(0).deletion().preconditionUid())
        .isEqualTo("uid-failed");
    drain();
    clock.advance(Duration.ofSeconds(29));
    assertThat(controller.queue().length()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(controller.queue().length()).as("queued for the moment its TTL ends").isEqualTo(1);
    controller.sync("default/done");
    assertThat(writer.log()).contains("delete Job default/done");
  }
}

package io.k8j.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.k8j.client.DeepCopy;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import io.k8j.controllers.shared.OwnerReferences;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobControllerTest {
  static final Map<String, String> LABELS =
      Map.of("batch.kubernetes.io/controller-uid", "uid-job", "job-name", "job");

  final FakeClock clock = new FakeClock(Fixtures.T0);
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final RecordingEventRecorder events = new RecordingEventRecorder();
  final FakeInformer<Job> jobCache = informers.forType(Job.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);
  final JobController controller = new JobController(informers, writer, writer, events, clock);

  Job job(Integer completions, int parallelism, int backoffLimit, String mode) {
    Job j =
        new JobBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("job")
            .withUid("uid-job")
            .withResourceVersion("1")
            .endMetadata()
            .withNewSpec()
            .withCompletions(completions)
            .withParallelism(parallelism)
            .withBackoffLimit(backoffLimit)
            .withCompletionMode(mode)
            .withNewSelector()
            .withMatchLabels(Map.of("batch.kubernetes.io/controller-uid", "uid-job"))
            .endSelector()
            .withTemplate(Fixtures.template(LABELS, "busybox"))
            .endSpec()
            .withNewStatus()
            .endStatus()
            .build();
    jobCache.add(j);
    return j;
  }

  Job current() {
    return jobCache.get("default", "job");
  }

  List<Pod> active() {
    return podCache.list().stream()
        .filter(p -> !"Succeeded".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
        .filter(p -> !"Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  void finish(Pod p, String phase) {
    Pod done = DeepCopy.of(p);
    if (done.getStatus() == null) {
      done.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    done.getStatus().setPhase(phase);
    done.getMetadata().setResourceVersion(done.getMetadata().getResourceVersion() + "1");
    podCache.update(done);
  }

  boolean condition(String type) {
    return JobConditions.isTrue(current(), type);
  }

  @Test
  void runsParallelPodsUntilEnoughSucceedCountingEachOnceThroughTheTrackingFinalizer() {
    job(3, 2, 6, "NonIndexed");
    controller.sync("default/job");
    assertThat(active())
        .hasSize(2)
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getFinalizers())
                  .contains("batch.kubernetes.io/job-tracking");
              assertThat(OwnerReferences.controllerOf(p).getKind()).isEqualTo("Job");
            });
    finish(active().get(0), "Succeeded");
    controller.sync("default/job");
    assertThat(current().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(podCache.list())
        .filteredOn(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()))
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getFinalizers())
                    .doesNotContain("batch.kubernetes.io/job-tracking"));
    assertThat(active()).hasSize(2);
    controller.sync("default/job");
    assertThat(current().getStatus().getSucceeded()).as("counted once").isEqualTo(1);
    active().forEach(p -> finish(p, "Succeeded"));
    controller.sync("default/job");
    assertThat(current().getStatus().getSucceeded()).isEqualTo(3);
    assertThat(current().getStatus().getActive()).isZero();
    assertThat(condition("Complete")).isTrue();
    assertThat(condition("SuccessCriteriaMet")).isTrue();
    assertThat(current().getStatus().getCompletionTime()).isNotNull();
    assertThat(events.reasons()).contains("SuccessfulCreate", "Completed");
  }

  @Test
  void failuresBackOffAndPastTheBackoffLimitFailTheJob() {
    job(1, 1, 1, "NonIndexed");
    controller.sync("default/job");
    finish(active().get(0), "Failed");
    controller.sync("default/job");
    assertThat(current().getStatus().getFailed()).isEqualTo(1);
    assertThat(active()).as("a new pod only after 10 s").isEmpty();
    clock.advance(Duration.ofSeconds(10));
    controller.sync("default/job");
    assertThat(active()).hasSize(1);
    finish(active().get(0), "Failed");
    controller.sync("default/job");
    assertThat(current().getStatus().getFailed()).isEqualTo(2);
    assertThat(condition("Failed")).isTrue();
    assertThat(JobConditions.get(current(), "Failed").getReason())
        .isEqualTo("BackoffLimitExceeded");
    assertThat(events.reasons()).contains("BackoffLimitExceeded");
  }

  @Test
  void indexedJobsRunOnePodPerIndexAndReportCompletedIndexes() {
    job(3, 3, 6, "Indexed");
    controller.sync("default/job");
    assertThat(active())
        .extracting(
            p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(active().get(0).getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX"));
    Pod one =
        active().stream()
            .filter(
                p ->
                    p.getMetadata()
                        .getAnnotations()
                        .get("batch.kubernetes.io/job-completion-index")
                        .equals("1"))
            .findFirst()
            .orElseThrow();
    finish(one, "Succeeded");
    controller.sync("default/job");
    assertThat(current().getStatus().getCompletedIndexes()).isEqualTo("1");
    assertThat(active()).hasSize(2);
    active().forEach(p -> finish(p, "Succeeded"));
    controller.sync("default/job");
    assertThat(current().getStatus().getCompletedIndexes()).isEqualTo("0-2");
    assertThat(condition("Complete")).isTrue();
  }

  @Test
  void aJobPastItsActiveDeadlineFailsAndItsPodsAreDeleted() {
    Job j = job(5, 2, 6, "NonIndexed");
    j.getSpec().setActiveDeadlineSeconds(30L);
    jobCache.update(j);
    controller.sync("default/job");
    assertThat(active()).hasSize(2);
    clock.advance(Duration.ofSeconds(30));
    controller.sync("default/job");
    assertThat(writer.actions("delete", "Pod")).hasSize(2);
    assertThat(JobConditions.get(current(), "Failed").getReason()).isEqualTo("DeadlineExceeded");
  }
}

package io.k8j.controllers.ttlafterfinished;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.k8j.client.Controller;
import io.k8j.client.Deletion;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a finished Job (Complete or Failed) with its pods once ttlSecondsAfterFinished has passed
 * since it finished, as upstream's TTLAfterFinishedController: the TTL is checked on the cached
 * Job, then again on a fresh read, and the Job is deleted in the foreground with its uid as
 * precondition. A Job whose time has not come is looked at again when it will have.
 */
public final class TtlAfterFinishedController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TtlAfterFinishedController.class);

  private final Lister<Job> jobs;
  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public TtlAfterFinishedController(
      InformerFactory informers, ObjectReader reader, ObjectWriter writer, Clock clock) {
    Informer<Job> jobInformer = informers.forType(Job.class);
    this.jobs = jobInformer.lister();
    this.reader = reader;
    this.writer = writer;
    this.clock = clock;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("ttl-after-finished-controller", queue, this::sync, List.of(jobInformer));
    jobInformer.addEventHandler(
        EventHandlers.onAddOrUpdate(
            job -> {
              if (needsCleanup(job)) {
                queue.add(Keys.of(job));
              }
            }));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  WorkQueue<String> queue() {
    return queue;
  }

  static boolean needsCleanup(Job job) {
    return job.getSpec().getTtlSecondsAfterFinished() != null && finishTime(job) != null;
  }

  /** When the Job became Complete or Failed, or null. */
  static Instant finishTime(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
          && "True".equals(c.getStatus())) {
        return Times.parse(c.getLastTransitionTime());
      }
    }
    return null;
  }

  void sync(String key) {
    Job job = jobs.get(key);
    if (job == null || !expired(job)) {
      return;
    }
    Job fresh =
        reader.get(Job.class, job.getMetadata().getNamespace(), job.getMetadata().getName());
    if (fresh == null || !expired(fresh)) {
      return;
    }
    LOG.debug("cleaning up Job {}", key);
    writer.delete(
        fresh,
        Deletion.propagation("Foreground").withPreconditionUid(fresh.getMetadata().getUid()));
  }

  /** Whether the TTL has run out; if not, the Job is queued for when it will have. */
  private boolean expired(Job job) {
    if (!needsCleanup(job)) {
      return false;
    }
    Instant now = clock.now();
    Instant finished = finishTime(job);
    if (finished.isAfter(now)) {
      LOG.info(
          "Job {} finished in the future (clock skew?); its cleanup is deferred", Keys.of(job));
    }
    Duration left =
        Duration.between(now, finished.plusSeconds(job.getSpec().getTtlSecondsAfterFinished()));
    if (left.isNegative() || left.isZero()) {
      return true;
    }
    queue.addAfter(Keys.of(job), left);
    return false;
  }
}

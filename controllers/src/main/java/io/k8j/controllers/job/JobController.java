package io.k8j.controllers.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.UidTrackingExpectations;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.replicaset.SlowStart;
import io.k8j.controllers.shared.ControllerRefManager;
import io.k8j.controllers.shared.LabelSelectors;
import io.k8j.controllers.shared.OwnerReferences;
import io.k8j.controllers.shared.PodControl;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs Jobs, as upstream's job controller. Each sync: claims the Job's pods; counts pods that
 * finished since the last sync by putting their uids in {@code status.uncountedTerminatedPods},
 * removing their {@code job-tracking} finalizer, then adding them to succeeded/failed (so that no
 * finished pod is lost or counted twice, whatever crashes); fails the Job past backoffLimit or
 * activeDeadlineSeconds (deleting its active pods); otherwise keeps {@code min(parallelism,
 * remaining completions)} pods active (per index for Indexed Jobs), waiting 10 s doubling to 6 min
 * after failures; and completes it once enough pods succeeded and none is active.
 */
public final class JobController implements AutoCloseable {
  static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(6);
  static final int MAX_CREATE_DELETE_PER_SYNC = 500;

  /** Failures since the last success, for the backoff of new pods. */
  private record Backoff(int failuresAfterLastSuccess, Instant lastFailure) {}

  private final Lister<Job> jobs;
  private final Lister<Pod> pods;
  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final EventRecorder events;
  private final PodControl podControl;
  private final Clock clock;
  private final UidTrackingExpectations expectations;
  private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
  private final WorkQueue<String> queue;
  private final Controller controller;

  public JobController(
      InformerFactory informers,
      ObjectWriter writer,
      ObjectReader reader,
      EventRecorder events,
      Clock clock) {
    Informer<Job> jobInformer = informers.forType(Job.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    this.jobs = jobInformer.lister();
    this.pods = podInformer.lister();
    this.writer = writer;
    this.reader = reader;
    this.events = events;
    this.podControl = new PodControl(writer, events);
    this.clock = clock;
    this.expectations = new UidTrackingExpectations(clock);
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("job-controller", queue, this::sync, List.of(jobInformer, podInformer));
    jobInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Job job) {
            queue.add(Keys.of(job));
          }

          @Override
          public void onUpdate(Job old, Job cur) {
            queue.add(Keys.of(cur));
          }

          @Override
          public void onDelete(Job job, boolean unknown) {
            expectations.delete(Keys.of(job));
            queue.add(Keys.of(job));
          }
        });
    podInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            Job job = jobOf(pod);
            if (job != null) {
              if (pod.getMetadata().getDeletionTimestamp() != null) {
                expectations.deletionObserved(Keys.of(job), Keys.of(pod));
              } else {
                expectations.creationObserved(Keys.of(job));
              }
              queue.add(Keys.of(job));
            }
          }

          @Override
          public void onUpdate(Pod old, Pod cur) {
            Job job = jobOf(cur);
            if (job != null) {
              if (cur.getMetadata().getDeletionTimestamp() != null) {
                expectations.deletionObserved(Keys.of(job), Keys.of(cur));
              }
              queue.add(Keys.of(job));
            }
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            Job job = jobOf(pod);
            if (job != null) {
              expectations.deletionObserved(Keys.of(job), Keys.of(pod));
              queue.add(Keys.of(job));
            }
          }
        });
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

  private Job jobOf(Pod pod) {
    OwnerReference ref = OwnerReferences.controllerOf(pod);
    if (ref == null || !"Job".equals(ref.getKind())) {
      return null;
    }
    Job job = jobs.get(pod.getMetadata().getNamespace(), ref.getName());
    return job != null && Objects.equals(job.getMetadata().getUid(), ref.getUid()) ? job : null;
  }

  // The sync.

  void sync(String key) {
    Job cached = jobs.get(key);
    if (cached == null) {
      expectations.delete(key);
      backoffs.remove(key);
      return;
    }
    Job job = DeepCopy.of(cached);
    if (job.getStatus() == null) {
      job.setStatus(new JobStatus());
    }
    List<Pod> owned = claimPods(job);
    if (JobConditions.isFinished(job)) {
      for (Pod p : owned) {
        removeTrackingFinalizer(p);
      }
      return;
    }
    Instant now = clock.now();
    boolean needsSync = expectations.satisfied(key);
    boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
    JobStatus st = job.getStatus();
    if (st.getStartTime() == null && !suspended) {
      st.setStartTime(Times.format(now));
    }
    Uncounted uncounted = recordNewlyFinished(key, job, owned);
    int succeeded = n(st.getSucceeded()) + uncounted.succeeded.size();
    int failed = n(st.getFailed()) + uncounted.failed.size();
    List<Pod> active = owned.stream().filter(PodStatuses::isActive).toList();
    String[] failure = null;
    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    if (failed > backoffLimit) {
      failure =
          new String[] {"BackoffLimitExceeded", "Job has reached the specified backoff limit"};
    } else if (pastActiveDeadline(job, now)) {
      failure = new String[] {"DeadlineExceeded", "Job was active longer than specified deadline"};
    }
    RuntimeException manageError = null;
    int activeCount = active.size();
    if (failure != null) {
      deletePods(key, job, active);
      activeCount = 0;
    } else if (needsSync && job.getMetadata().getDeletionTimestamp() == null) {
      try {
        activeCount =
            manageJob(key, job, active, succeededIndexes(job, owned, uncounted), succeeded);
      } catch (RuntimeException e) {
        manageError = e;
      }
    }
    Integer completions = job.getSpec().getCompletions();
    boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
    TreeSet<Integer> completed =
        indexed ? succeededIndexes(job, owned, uncounted) : new TreeSet<>();
    boolean complete =
        failure == null
            && activeCount == 0
            && (completions == null
                ? succeeded > 0
                : indexed ? completed.size() >= completions : succeeded >= completions);

    st.setActive(activeCount);
    st.setReady((int) active.stream().filter(PodStatuses::isReady).count());
    st.setTerminating(
        (int)
            owned.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() != null && !terminal(p))
                .count());
    if (indexed) {
      st.setCompletedIndexes(CompletionIndexes.format(completed));
    }
    st.setUncountedTerminatedPods(uncounted.toStatus());
    if (!uncounted.isEmpty()) {
      writeStatus(job);
      for (Pod p : owned) {
        if (uncounted.contains(p.getMetadata().getUid())) {
          removeTrackingFinalizer(p);
        }
      }
      st.setSucceeded(succeeded);
      st.setFailed(failed);
      st.setUncountedTerminatedPods(new UncountedTerminatedPods());
    }
    if (failure != null) {
      JobConditions.set(job, JobConditions.FAILURE_TARGET, "True", failure[0], failure[1], now);
      if (st.getTerminating() == 0) {
        JobConditions.set(job, JobConditions.FAILED, "True", failure[0], failure[1], now);
        events.event(job, EventRecorder.WARNING, failure[0], failure[1]);
      }
    } else if (complete) {
      String msg = "Reached expected number of succeeded pods";
      JobConditions.set(
          job, JobConditions.SUCCESS_CRITERIA_MET, "True", "CompletionsReached", msg, now);
      JobConditions.set(job, JobConditions.COMPLETE, "True", "CompletionsReached", msg, now);
      st.setCompletionTime(Times.format(now));
      events.event(job, EventRecorder.NORMAL, "Completed", "Job completed");
    }
    if (!Objects.equals(st, cached.getStatus())) {
      writeStatus(job);
    }
    if (manageError != null) {
      throw manageError;
    }
    if (failure == null && !complete) {
      Long ads = job.getSpec().getActiveDeadlineSeconds();
      if (ads != null && st.getStartTime() != null) {
        queue.addAfter(key, Duration.between(now, Times.parse(st.getStartTime()).plusSeconds(ads)));
      }
    }
  }

  /** The uids of finished pods not counted yet: those listed before, and those just finished. */
  private static final class Uncounted {
    final Set<String> succeeded = new LinkedHashSet<>();
    final Set<String> failed = new LinkedHashSet<>();
    int added;

    boolean isEmpty() {
      return succeeded.isEmpty() && failed.isEmpty();
    }

    boolean contains(String uid) {
      return succeeded.contains(uid) || failed.contains(uid);
    }

    UncountedTerminatedPods toStatus() {
      UncountedTerminatedPods u = new UncountedTerminatedPods();
      u.setSucceeded(new ArrayList<>(succeeded));
      u.setFailed(new ArrayList<>(failed));
      return u;
    }
  }

  private Uncounted recordNewlyFinished(String key, Job job, List<Pod> owned) {
    Uncounted u = new Uncounted();
    UncountedTerminatedPods before = job.getStatus().getUncountedTerminatedPods();
    if (before != null) {
      u.succeeded.addAll(before.getSucceeded() == null ? List.of() : before.getSucceeded());
      u.failed.addAll(before.getFailed() == null ? List.of() : before.getFailed());
    }
    Backoff b = backoffs.getOrDefault(key, new Backoff(0, null));
    for (Pod p : owned) {
      String uid = p.getMetadata().getUid();
      if (!hasTrackingFinalizer(p) || u.contains(uid)) {
        continue;
      }
      if ("Succeeded".equals(PodStatuses.phase(p))) {
        u.succeeded.add(uid);
        b = new Backoff(0, b.lastFailure());
        u.added++;
      } else if (isFailed(p)) {
        u.failed.add(uid);
        b = new Backoff(b.failuresAfterLastSuccess() + 1, clock.now());
        u.added++;
      }
    }
    backoffs.put(key, b);
    return u;
  }

  private static boolean terminal(Pod p) {
    String phase = PodStatuses.phase(p);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** Failed, or deleted before it succeeded (it will never get to say). */
  private static boolean isFailed(Pod p) {
    return "Failed".equals(PodStatuses.phase(p))
        || (p.getMetadata().getDeletionTimestamp() != null
            && !"Succeeded".equals(PodStatuses.phase(p)));
  }

  private static boolean hasTrackingFinalizer(Pod p) {
    return p.getMetadata().getFinalizers() != null
        && p.getMetadata().getFinalizers().contains(TRACKING_FINALIZER);
  }

  private boolean pastActiveDeadline(Job job, Instant now) {
    Long ads = job.getSpec().getActiveDeadlineSeconds();
    Instant start = Times.parse(job.getStatus().getStartTime());
    return ads != null && start != null && !now.isBefore(start.plusSeconds(ads));
  }

  /** Indexes of succeeded pods, including those counted before. */
  private static TreeSet<Integer> succeededIndexes(Job job, List<Pod> owned, Uncounted uncounted) {
    TreeSet<Integer> out = CompletionIndexes.parse(job.getStatus().getCompletedIndexes());
    Integer completions = job.getSpec().getCompletions();
    for (Pod p : owned) {
      int i = CompletionIndexes.of(p);
      if (i >= 0
          && (completions == null || i < completions)
          && "Succeeded".equals(PodStatuses.phase(p))) {
        out.add(i);
      }
    }
    return out;
  }

  /** Upstream's {@code manageJob}: returns how many pods are active afterwards. */
  private int manageJob(
      String key, Job job, List<Pod> active, TreeSet<Integer> completedIndexes, int succeeded) {
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      deletePods(key, job, active);
      return 0;
    }
    int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
    Integer completions = job.getSpec().getCompletions();
    boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
    int wantActive;
    if (completions == null) {
      wantActive = succeeded > 0 ? active.size() : parallelism;
    } else {
      int remaining = completions - (indexed ? completedIndexes.size() : succeeded);
      wantActive = Math.max(0, Math.min(parallelism, remaining));
    }
    List<Pod> toDelete = new ArrayList<>();
    if (indexed) {
      Map<Integer, List<Pod>> byIndex = new HashMap<>();
      for (Pod p : active) {
        int i = CompletionIndexes.of(p);
        if (i < 0 || (completions != null && i >= completions) || completedIndexes.contains(i)) {
          toDelete.add(p);
        } else {
          byIndex.computeIfAbsent(i, k -> new ArrayList<>()).add(p);
        }
      }
      for (List<Pod> dups : byIndex.values()) {
        dups.stream().skip(1).forEach(toDelete::add);
      }
    }
    int remainingActive = active.size() - toDelete.size();
    if (remainingActive > wantActive) {
      List<Pod> candidates = new ArrayList<>(active);
      candidates.removeAll(toDelete);
      candidates.sort(
          Comparator.comparing((Pod p) -> !PodStatuses.nodeName(p).isEmpty())
              .thenComparing(PodStatuses::isReady));
      toDelete.addAll(candidates.subList(0, remainingActive - wantActive));
    }
    if (!toDelete.isEmpty()) {
      deletePods(
          key, job, toDelete.subList(0, Math.min(toDelete.size(), MAX_CREATE_DELETE_PER_SYNC)));
      return active.size() - Math.min(toDelete.size(), MAX_CREATE_DELETE_PER_SYNC);
    }
    int diff = Math.min(wantActive - active.size(), MAX_CREATE_DELETE_PER_SYNC);
    if (diff <= 0) {
      return active.size();
    }
    Duration wait = remainingBackoff(key);
    if (wait.isPositive()) {
      queue.addAfter(key, wait);
      return active.size();
    }
    List<Integer> indexes = new ArrayList<>();
    if (indexed) {
      Set<Integer> taken = new java.util.HashSet<>(completedIndexes);
      active.forEach(p -> taken.add(CompletionIndexes.of(p)));
      for (int i = 0; indexes.size() < diff && (completions == null || i < completions); i++) {
        if (!taken.contains(i)) {
          indexes.add(i);
        }
      }
      diff = indexes.size();
    }
    expectations.expectCreations(key, diff);
    OwnerReference ref = OwnerReferences.newControllerRef(job, "batch/v1", "Job");
    java.util.Iterator<Integer> next = indexes.iterator();
    SlowStart.Result r =
        SlowStart.run(
            diff, () -> podControl.createPod(template(job, indexed ? next.next() : -1), job, ref));
    for (int i = 0; i < diff - r.successes(); i++) {
      expectations.creationObserved(key);
    }
    if (r.error() != null) {
      throw r.error();
    }
    return active.size() + r.successes();
  }

  /** The pod template with the tracking finalizer and, for Indexed Jobs, the index. */
  private static PodTemplateSpec template(Job job, int index) {
    PodTemplateSpec t = DeepCopy.of(job.getSpec().getTemplate());
    List<String> finalizers =
        new ArrayList<>(
            t.getMetadata().getFinalizers() == null ? List.of() : t.getMetadata().getFinalizers());
    finalizers.add(TRACKING_FINALIZER);
    t.getMetadata().setFinalizers(finalizers);
    if (index >= 0) {
      Map<String, String> ann =
          new HashMap<>(
              t.getMetadata().getAnnotations() == null
                  ? Map.of()
                  : t.getMetadata().getAnnotations());
      ann.put(CompletionIndexes.ANNOTATION, Integer.toString(index));
      t.getMetadata().setAnnotations(ann);
      Map<String, String> labels =
          new HashMap<>(
              t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels());
      labels.put(CompletionIndexes.ANNOTATION, Integer.toString(index));
      t.getMetadata().setLabels(labels);
      if (t.getSpec().getSubdomain() != null && !t.getSpec().getSubdomain().isEmpty()) {
        t.getSpec().setHostname(job.getMetadata().getName() + "-" + index);
      }
      EnvVar env =
          new EnvVarBuilder()
              .withName("JOB_COMPLETION_INDEX")
              .withNewValueFrom()
              .withNewFieldRef()
              .withFieldPath("metadata.annotations['" + CompletionIndexes.ANNOTATION + "']")
              .endFieldRef()
              .endValueFrom()
              .build();
      for (Container c : t.getSpec().getContainers()) {
        List<EnvVar> envs = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
        envs.add(env);
        c.setEnv(envs);
      }
    }
    return t;
  }

  private Duration remainingBackoff(String key) {
    Backoff b = backoffs.get(key);
    if (b == null || b.failuresAfterLastSuccess() == 0 || b.lastFailure() == null) {
      return Duration.ZERO;
    }
    Duration d = DEFAULT_BACKOFF;
    for (int i = 1; i < b.failuresAfterLastSuccess(); i++) {
      d = d.multipliedBy(2);
      if (d.compareTo(MAX_BACKOFF) >= 0) {
        d = MAX_BACKOFF;
        break;
      }
    }
    Duration elapsed = Duration.between(b.lastFailure(), clock.now());
    return d.compareTo(elapsed) < 0 ? Duration.ZERO : d.minus(elapsed);
  }

  private void deletePods(String key, Job job, List<Pod> victims) {
    expectations.deleteAll(key, victims, p -> podControl.deletePod(p, job));
  }

  private List<Pod> claimPods(Job job) {
    var manager =
        new ControllerRefManager<Pod>(
            writer,
            job,
            OwnerReferences.newControllerRef(job, "batch/v1", "Job"),
            p -> LabelSelectors.matches(job.getSpec().getSelector(), p.getMetadata().getLabels()),
            () -> {
              Job fresh =
                  reader.get(
                      Job.class, job.getMetadata().getNamespace(), job.getMetadata().getName());
              return fresh != null
                  && Objects.equals(fresh.getMetadata().getUid(), job.getMetadata().getUid())
                  && fresh.getMetadata().getDeletionTimestamp() == null;
            });
    return manager.claim(pods.list(job.getMetadata().getNamespace()));
  }

  /** Removes the tracking finalizer, only if it is still at the place it was read at. */
  private void removeTrackingFinalizer(Pod p) {
    List<String> finalizers = p.getMetadata().getFinalizers();
    int i = finalizers == null ? -1 : finalizers.indexOf(TRACKING_FINALIZER);
    if (i < 0) {
      return;
    }
    List<String> kept = new ArrayList<>(finalizers);
    kept.remove(i);
    String patch =
        DeepCopy.serialization()
            .asJson(
                Map.of(
                    "metadata",
                    Map.of(
                        "finalizers",
                        kept,
                        "resourceVersion",
                        p.getMetadata().getResourceVersion())));
    try {
      writer.patch(p, patch);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private void writeStatus(Job job) {
    Job written = writer.updateStatus(job);
    job.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}

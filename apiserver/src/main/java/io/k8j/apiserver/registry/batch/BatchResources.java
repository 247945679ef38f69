package io.k8j.apiserver.registry.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Ages;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.apps.WorkloadStrategy;
import io.k8j.apiserver.registry.core.PodDefaults;
import io.k8j.apiserver.registry.validation.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Jobs (with the generated controller-uid selector) and CronJobs. */
public final class BatchResources {
  private static final List<String> JOB_RESTART = List.of("OnFailure", "Never");

  private BatchResources() {}

  public static List<ResourceDef> definitions() {
    return List.of(jobs(), cronJobs());
  }

  static ResourceDef jobs() {
    return ResourceDef.builder("batch", "v1", "Job", "jobs")
        .categories("all")
        .withStatus()
        .column(Column.string("Status", BatchResources::jobStatus))
        .column(
            Column.string(
                "Completions",
                o ->
                    o.path("status").path("succeeded").asLong(0)
                        + "/"
                        + (o.path("spec").has("completions")
                            ? o.path("spec").path("completions").asText()
                            : "1")))
        .column(Column.string("Duration", BatchResources::duration))
        .ageColumn()
        .column(
            Column.wide(
                "Containers",
                o -> Cells.containers(o.path("spec").path("template").path("spec"), "name")))
        .column(
            Column.wide(
                "Images",
                o -> Cells.containers(o.path("spec").path("template").path("spec"), "image")))
        .column(Column.wide("Selector", o -> Cells.labelSelector(o.path("spec").path("selector"))))
        .strategy(new JobStrategy())
        .model(Job.class)
        .build();
  }

  /**
   * Jobs: a selector on the job's own uid unless manualSelector, and restartPolicy OnFailure or
   * Never.
   */
  static final class JobStrategy implements Strategy {
    @Override
    public void prepareForCreate(ObjectNode obj) {
      obj.remove("status");
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Json.child(obj, "spec");
      JsonNode meta = obj.path("metadata");
      String uid = meta.path("uid").asText("");
      if (!spec.path("manualSelector").asBoolean(false)
          && !uid.isEmpty()
          && !spec.has("selector")) {
        Json.child(spec, "selector")
            .putObject("matchLabels")
            .put("batch.kubernetes.io/controller-uid", uid);
        ObjectNode labels =
            Json.child(Json.child(Json.child(spec, "template"), "metadata"), "labels");
        labels.put("batch.kubernetes.io/controller-uid", uid).put("controller-uid", uid);
        labels
            .put("batch.kubernetes.io/job-name", meta.path("name").asText())
            .put("job-name", meta.path("name").asText());
      }
      if (!spec.has("parallelism")) {
        spec.put("parallelism", 1);
      }
      if (!spec.has("completions") && !spec.path("parallelism").isMissingNode()) {
        spec.put("completions", 1);
      }
      if (!spec.has("backoffLimit")) {
        spec.put("backoffLimit", 6);
      }
      if (!spec.has("completionMode")) {
        spec.put("completionMode", "NonIndexed");
      }
      if (!spec.has("suspend")) {
        spec.put("suspend", false);
      }
      if (!spec.has("podReplacementPolicy")) {
        spec.put("podReplacementPolicy", "TerminatingOrFailed");
      }
      if (spec.path("template").path("spec") instanceof ObjectNode ps) {
        PodDefaults.apply(ps);
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs =
          new ArrayList<>(WorkloadStrategy.validateTemplate(obj.path("spec"), "spec", true));
      String rp = obj.path("spec").path("template").path("spec").path("restartPolicy").asText("");
      if (!JOB_RESTART.contains(rp)) {
        errs.add(FieldError.notSupported("spec.template.spec.restartPolicy", rp, JOB_RESTART));
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validate(obj));
      if (!obj.path("spec").path("selector").equals(old.path("spec").path("selector"))) {
        errs.add(
            FieldError.invalid(
                "spec.selector",
                new FieldError.Raw(obj.path("spec").path("selector").toString()),
                "field is immutable"));
      }
      JsonNode template = obj.path("spec").path("template");
      if (!template.equals(old.path("spec").path("template"))
          && !old.path("spec").path("suspend").asBoolean(false)) {
        errs.add(
            FieldError.invalid(
                "spec.template",
                new FieldError.Raw("core.PodTemplateSpec{...}"),
                "field is immutable"));
      }
      return errs;
    }
  }

  private static String jobStatus(ObjectNode job) {
    for (JsonNode c : job.path("status").path("conditions")) {
      if (c.path("status").asText().equals("True")) {
        switch (c.path("type").asText()) {
          case "Complete" -> {
            return "Complete";
          }
          case "Failed" -> {
            return "Failed";
          }
          case "Suspended" -> {
            return "Suspended";
          }
          case "FailureTarget" -> {
            return "FailureTarget";
          }
          case "SuccessCriteriaMet" -> {
            return "SuccessCriteriaMet";
          }
          default -> {}
        }
      }
    }
    return "Running";
  }

  private static String duration(ObjectNode job) {
    String start = job.path("status").path("startTime").asText("");
    if (start.isEmpty()) {
      return "";
    }
    String end = job.path("status").path("completionTime").asText("");
    Instant to = end.isEmpty() ? Instant.now() : Instant.parse(end);
    return Ages.human(Duration.between(Instant.parse(start), to));
  }

  static ResourceDef cronJobs() {
    return ResourceDef.builder("batch", "v1", "CronJob", "cronjobs")
        .shortNames("cj")
        .categories("all")
        .withStatus()
        .column(Column.string("Schedule", o -> o.path("spec").path("schedule").asText("")))
        .column(Column.string("Timezone", o -> Cells.textOrNone(o, "spec.timeZone")))
        .column(
            Column.string(
                "Suspend",
                o ->
                    Boolean.toString(o.path("spec").path("suspend").asBoolean(false))
                        .replace("false", "False")
                        .replace("true", "True")))
        .column(Column.integer("Active", o -> o.path("status").path("active").size()))
        .column(
            Column.string(
                "Last Schedule",
                o ->
                    o.path("status").has("lastScheduleTime")
                        ? Ages.since(o.path("status").path("lastScheduleTime").asText())
                        : "<none>"))
        .ageColumn()
        .column(
            Column.wide(
                "Containers",
                o ->
                    Cells.containers(
                        o.path("spec")
                            .path("jobTemplate")
                            .path("spec")
                            .path("template")
                            .path("spec"),
                        "name")))
        .column(
            Column.wide(
                "Images",
                o ->
                    Cells.containers(
                        o.path("spec")
                            .path("jobTemplate")
                            .path("spec")
                            .path("template")
                            .path("spec"),
                        "image")))
        .column(
            Column.wide(
                "Selector",
                o ->
                    Cells.labelSelector(
                        o.path("spec").path("jobTemplate").path("spec").path("selector"))))
        .strategy(
            new Strategy() {
              @Override
              public void prepareForCreate(ObjectNode obj) {
                obj.remove("status");
              }

              @Override
              public void applyDefaults(ObjectNode obj) {
                ObjectNode spec = Json.child(obj, "spec");
                if (!spec.has("concurrencyPolicy")) {
                  spec.put("concurrencyPolicy", "Allow");
                }
                if (!spec.has("suspend")) {
                  spec.put("suspend", false);
                }
                if (!spec.has("successfulJobsHistoryLimit")) {
                  spec.put("successfulJobsHistoryLimit", 3);
                }
                if (!spec.has("failedJobsHistoryLimit")) {
                  spec.put("failedJobsHistoryLimit", 1);
                }
                JsonNode ps = spec.path("jobTemplate").path("spec").path("template").path("spec");
                if (ps instanceof ObjectNode pod) {
                  PodDefaults.apply(pod);
                }
              }

              @Override
              public List<FieldError> validate(ObjectNode obj) {
                List<FieldError> errs = new ArrayList<>();
                JsonNode spec = obj.path("spec");
                if (spec.path("schedule").asText("").isEmpty()) {
                  errs.add(FieldError.required("spec.schedule", ""));
                } else if (spec.path("schedule").asText().trim().split("\\s+").length != 5
                    && !spec.path("schedule").asText().startsWith("@")) {
                  errs.add(
                      FieldError.invalid(
                          "spec.schedule", spec.path("schedule").asText(), "unparseable schedule"));
                }
                String rp =
                    spec.path("jobTemplate")
                        .path("spec")
                        .path("template")
                        .path("spec")
                        .path("restartPolicy")
                        .asText("");
                if (!JOB_RESTART.contains(rp)) {
                  errs.add(
                      FieldError.notSupported(
                          "spec.jobTemplate.spec.template.spec.restartPolicy", rp, JOB_RESTART));
                }
                errs.addAll(
                    WorkloadStrategy.validateTemplate(
                        spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", false));
                return errs;
              }
            })
        .model(CronJob.class)
        .build();
  }
}

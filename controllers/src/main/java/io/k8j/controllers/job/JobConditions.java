package io.k8j.controllers.job;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Job conditions, as upstream's: Complete and Failed end a Job; *Target ones announce it. */
final class JobConditions {
  static final String COMPLETE = "Complete";
  static final String FAILED = "Failed";
  static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
  static final String FAILURE_TARGET = "FailureTarget";
  static final String SUSPENDED = "Suspended";

  private JobConditions() {}

  static JobCondition get(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  static boolean isTrue(Job job, String type) {
    JobCondition c = get(job, type);
    return c != null && "True".equals(c.getStatus());
  }

  /** Complete or Failed. */
  static boolean isFinished(Job job) {
    return isTrue(job, COMPLETE) || isTrue(job, FAILED);
  }

  /** Sets the condition; keeps lastTransitionTime if its status does not change. */
  static void set(Job job, String type, String status, String reason, String message, Instant now) {
    List<JobCondition> conditions =
        new ArrayList<>(
            job.getStatus().getConditions() == null ? List.of() : job.getStatus().getConditions());
    JobCondition c = new JobCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastProbeTime(Times.format(now));
    c.setLastTransitionTime(Times.format(now));
    for (int i = 0; i < conditions.size(); i++) {
      JobCondition old = conditions.get(i);
      if (type.equals(old.getType())) {
        if (status.equals(old.getStatus())) {
          c.setLastTransitionTime(old.getLastTransitionTime());
        }
        conditions.set(i, c);
        job.getStatus().setConditions(conditions);
        return;
      }
    }
    conditions.add(c);
    job.getStatus().setConditions(conditions);
  }
}

/**
 * The Job controller: runs a Job's pods to completion (NonIndexed or Indexed), within parallelism,
 * with backoff after failures, and finishes it as Complete or Failed (backoffLimit,
 * activeDeadlineSeconds), counting finished pods through the {@code
 * batch.kubernetes.io/job-tracking} finalizer as upstream.
 */
package io.k8j.controllers.job;

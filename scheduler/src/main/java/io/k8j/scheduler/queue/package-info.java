/** The scheduling queue: active, backoff and unschedulable pods, event-driven requeueing. */
package io.k8j.scheduler.queue;

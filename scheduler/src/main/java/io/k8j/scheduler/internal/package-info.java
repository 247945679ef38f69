/**
 * The scheduler's machinery behind {@code io.k8j.scheduler.Scheduler}: informers and their
 * handlers, the scheduling loop and binding cycle, status and event writes.
 */
package io.k8j.scheduler.internal;

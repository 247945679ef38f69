/**
 * Work queues as client-go's {@code util/workqueue}: keys deduplicated while waiting, one key in
 * flight at a time, delayed adds, and rate limiters (per-item exponential backoff, a token bucket).
 */
package io.k8j.client.queue;

/**
 * The scheduler cache (nodes, bound and assumed pods) and the per-cycle snapshot it refreshes
 * incrementally.
 */
package io.k8j.scheduler.cache;

/**
 * The scheduler: {@link io.k8j.scheduler.Scheduler} places pods on nodes with a plugin framework
 * ({@code framework/}), a scheduling queue ({@code queue/}), a cache of nodes and pods ({@code
 * cache/}) and the in-tree plugins ({@code plugins/}), configured as upstream's
 * KubeSchedulerConfiguration ({@code config/}).
 */
package io.k8j.scheduler;

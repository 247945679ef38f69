/**
 * The scheduler's configuration in upstream's KubeSchedulerConfiguration form: profiles, plugins
 * enabled and disabled per extension point, score weights, plugin args.
 */
package io.k8j.scheduler.config;

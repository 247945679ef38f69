/** SchedulingGates: the pre-enqueue plugin for {@code spec.schedulingGates}. */
package io.k8j.scheduler.plugins.schedulinggates;

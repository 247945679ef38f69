/**
 * Resource usage from cgroups and /proc: per container, pod and node, sampled periodically and kept
 * per container at the sampling resolution, served as the kubelet's summary and resource metrics.
 */
package io.k8j.kubelet.stats;

/** InterPodAffinity: pod affinity and anti-affinity by topology key, required and preferred. */
package io.k8j.scheduler.plugins.interpodaffinity;

package io.k8j.kubelet.stats;

import java.time.Instant;

/**
 * One reading of a cgroup (or the node): CPU used since it began in nanoseconds, the memory in use,
 * and the working set (in use minus the inactive file cache, what the kubelet evicts and {@code
 * kubectl top} shows).
 */
public record Usage(Instant time, long cpuNanos, long memoryBytes, long workingSetBytes) {}

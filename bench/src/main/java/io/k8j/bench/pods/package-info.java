/**
 * {@code k8j bench pods}: pod startup latency on one node with containerd, and how many simulated
 * nodes and pods one JVM sustains.
 */
package io.k8j.bench.pods;

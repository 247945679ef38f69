/**
 * The container runtime SPI, shaped like the CRI and typed with its runtime.v1 messages (as
 * upstream's {@code internalapi.RuntimeService}): {@code cri} speaks it to containerd, {@code
 * process} runs pods as host processes, {@code simulated} runs none.
 */
package io.k8j.kubelet.runtime;

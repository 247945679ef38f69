/**
 * Liveness, readiness and startup probes (exec, httpGet, tcpSocket, grpc): one worker per container
 * and probe, with upstream's thresholds and timing; results drive restarts and the pod's Ready
 * condition.
 */
package io.k8j.kubelet.prober;

/** The simulated runtime: sandboxes and containers that exist only in memory (as kwok's). */
package io.k8j.kubelet.runtime.simulated;

/** The pod lifecycle event generator: relists the runtime and tells pod workers what changed. */
package io.k8j.kubelet.pleg;

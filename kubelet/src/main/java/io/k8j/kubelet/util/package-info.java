/** Small shared pieces: JSON with the fabric8 model, Kubernetes timestamps, pod naming. */
package io.k8j.kubelet.util;

/** The Kubernetes API server: REST over the store, the only component that touches it. */
package io.k8j.apiserver;

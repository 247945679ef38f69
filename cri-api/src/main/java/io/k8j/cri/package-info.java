/** The CRI runtime.v1 gRPC API, generated at build time. */
package io.k8j.cri;

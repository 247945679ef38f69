/**
 * The CRI runtime.v1 gRPC API (messages, {@code RuntimeServiceGrpc}, {@code ImageServiceGrpc}),
 * generated at build time from {@code src/main/proto/api.proto}; nothing here is hand-written.
 */
package io.k8j.cri.v1;

/** {@code k8j bench api}: the API server's throughput and latency under load. */
package io.k8j.bench.api;

/** An API server on the embedded store, started in-process for integration tests. */
package io.k8j.testing.cluster;

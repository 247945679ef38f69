/** The store SPI: the API server's only view of persistence, with etcd v3 semantics. */
package io.k8j.store;

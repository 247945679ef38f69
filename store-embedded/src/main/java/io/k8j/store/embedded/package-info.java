/** The default store backend: an in-memory MVCC index and watch hub over RocksDB. */
package io.k8j.store.embedded;

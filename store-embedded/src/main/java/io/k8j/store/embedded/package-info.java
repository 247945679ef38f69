/**
 * The default store backend: one node, in process, durable on RocksDB. {@link
 * io.k8j.store.embedded.EmbeddedStore} is the only public class; writes go through the Committer
 * (group commit), reads through the MvccIndex, watches through the WatchHub, leases through the
 * LeaseKeeper.
 */
package io.k8j.store.embedded;

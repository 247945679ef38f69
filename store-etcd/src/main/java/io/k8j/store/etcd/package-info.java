/**
 * A store backend on a real etcd v3 cluster, through jetcd. {@link EtcdStore} maps each store call
 * to one etcd request (conditional writes are single-compare transactions); watches resume by
 * themselves across lost connections and leader changes, with no gap and no duplicate.
 */
package io.k8j.store.etcd;

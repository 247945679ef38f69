/** A store backend on a real etcd cluster, through jetcd. */
package io.k8j.store.etcd;

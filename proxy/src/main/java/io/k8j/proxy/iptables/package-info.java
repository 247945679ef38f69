/**
 * The iptables mode, as upstream kube-proxy's: KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-* /
 * KUBE-NODEPORTS / KUBE-POSTROUTING chains written with one {@code iptables-restore --noflush} per
 * sync, only the changed Services' chains between full syncs.
 */
package io.k8j.proxy.iptables;

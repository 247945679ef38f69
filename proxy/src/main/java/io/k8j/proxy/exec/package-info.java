/**
 * Runs the node's networking commands ({@code iptables-restore}, {@code nft}), on the host or, for
 * tests and benchmarks, inside a network namespace through {@code ip netns exec}.
 */
package io.k8j.proxy.exec;

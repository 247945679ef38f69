/**
 * The userspace mode: a proxy in this process that listens on the node for each service port and
 * forwards each connection, or each client's UDP datagrams, to an endpoint chosen round robin. TCP
 * bytes move on NIO event loops (one per core): measured against one virtual thread per direction
 * over blocking sockets (bench {@code ProxyBench}, keep-alive HTTP), they served 1.3-1.6x the
 * requests per second at under half the p99 latency; new connections cost about the same. UDP
 * sessions and accepting use virtual threads.
 */
package io.k8j.proxy.userspace;

/**
 * The userspace mode: a proxy in this process that listens on the node for each service port
 * (virtual threads over blocking sockets) and forwards each connection, or each client's UDP
 * datagrams, to an endpoint chosen round robin.
 */
package io.k8j.proxy.userspace;

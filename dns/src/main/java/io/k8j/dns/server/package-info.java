/**
 * The DNS server: UDP (a few reader threads on one socket) and TCP (a virtual thread per
 * connection), the handler that turns a query into a response, and its metrics.
 */
package io.k8j.dns.server;

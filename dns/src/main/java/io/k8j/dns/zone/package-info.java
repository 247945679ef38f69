/**
 * The answers of the cluster zone, as CoreDNS's kubernetes plugin gives them: a query's name and
 * type in, a decision out (an answer, a name to chase upstream, or "not ours: forward").
 */
package io.k8j.dns.zone;

/**
 * Names outside the cluster: sent on to the upstream resolvers (UDP, then TCP when truncated),
 * under one deadline per query, with a small cache of their answers.
 */
package io.k8j.dns.forward;

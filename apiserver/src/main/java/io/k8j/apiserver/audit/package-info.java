/**
 * Auditing: upstream's audit.k8s.io/v1 Policy decides each request's level, and the log writes one
 * {@code Event} JSON line per request, rotated by size.
 */
package io.k8j.apiserver.audit;

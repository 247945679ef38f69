/**
 * Authentication until the security issue lands: a self-signed CA and serving certificate, an admin
 * bearer token, and the admin kubeconfig that carries both to kubectl.
 */
package io.k8j.apiserver.auth;

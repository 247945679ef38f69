/**
 * The review resources of authorization.k8s.io and authentication.k8s.io: create-only, never
 * stored; the HTTP layer answers them from the authenticator and the authorizer.
 */
package io.k8j.apiserver.registry.authorization;

/**
 * RBAC authorization with upstream semantics: rules of Roles and ClusterRoles (aggregated ones
 * included) bound to users, groups and service accounts; the default roles and bindings.
 */
package io.k8j.apiserver.auth.rbac;

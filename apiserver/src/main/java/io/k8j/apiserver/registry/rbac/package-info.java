/** rbac.authorization.k8s.io/v1: roles, cluster roles and their bindings. */
package io.k8j.apiserver.registry.rbac;

/**
 * The core (v1) group: namespaces, pods, services, config maps, secrets, nodes, events and the
 * rest.
 */
package io.k8j.apiserver.registry.core;

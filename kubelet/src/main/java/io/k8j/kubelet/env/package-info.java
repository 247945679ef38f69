/**
 * Container environments: env and envFrom with their sources, {@code $(VAR)} expansion, and the
 * Service environment variables upstream injects.
 */
package io.k8j.kubelet.env;

/**
 * Container logs in the CRI format ({@code <RFC3339Nano> <stream> <P|F> <line>}): a writer for the
 * runtimes that produce logs themselves, and size-based rotation for all of them.
 */
package io.k8j.kubelet.logs;

package io.k8j.proxy.model;

/**
 * What one sync did, for the one log line each sync writes.
 *
 * @param changedServices Services whose routing was rewritten
 * @param details what the mode wrote, e.g. {@code "nat 40 rules, filter 5 rules"}
 */
public record SyncSummary(
    int servicePorts, int endpoints, int changedServices, boolean full, String details) {}

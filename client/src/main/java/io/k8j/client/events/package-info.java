/**
 * core/v1 Events as upstream's {@code tools/record}: a recorder that never blocks its caller, a
 * correlator that aggregates repeats (count and lastTimestamp) and filters spam, and a sink that
 * writes them.
 */
package io.k8j.client.events;

/**
 * In-memory informers, writers and recorders for unit tests of controllers: tests fill the caches,
 * call {@code sync(key)} and read back the recorded writes. Never used outside tests.
 */
package io.k8j.client.fake;

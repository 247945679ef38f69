/**
 * The watch cache: one store watch for the whole registry, dispatched into one in-memory cache per
 * resource (current objects and a ring buffer of recent events) that serves every client watch and
 * every list that may be served from memory.
 */
package io.k8j.apiserver.watchcache;

package io.k8j.apiserver.registry;

import io.k8j.apiserver.watchcache.WatchCache;

/** A resource with what serves it: its storage, its lister and its watch cache. */
public record ServedResource(
    ResourceDef def, ResourceStore store, ResourceLister lister, WatchCache cache) {}

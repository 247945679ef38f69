/**
 * The garbage collector, as upstream's: a {@link io.k8j.controllers.garbagecollector.GraphBuilder}
 * keeps the graph of ownerReferences of every deletable resource from informers, and the {@link
 * io.k8j.controllers.garbagecollector.GarbageCollector} deletes dependents whose owners are gone
 * (background), deletes dependents before their owner (foreground, the {@code foregroundDeletion}
 * finalizer, blockOwnerDeletion) and orphans dependents (the {@code orphan} finalizer).
 */
package io.k8j.controllers.garbagecollector;

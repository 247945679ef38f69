/**
 * The pod garbage collector: deletes terminated pods beyond a threshold, pods of nodes that no
 * longer exist, terminating pods that were never scheduled, and terminating pods on nodes taken out
 * of service.
 */
package io.k8j.controllers.podgc;

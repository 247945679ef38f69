/**
 * The scheduling framework's API, as upstream's {@code framework} package: the extension points
 * plugins implement (queue sort, pre-enqueue, pre-filter, filter, post-filter, pre-score, score,
 * reserve, permit, pre-bind, bind), the typed per-cycle state, and the node and pod views plugins
 * read.
 */
package io.k8j.scheduler.framework;

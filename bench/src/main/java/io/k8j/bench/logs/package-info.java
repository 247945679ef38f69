/** What following container logs costs: memory per {@code kubectl logs -f} reader on one node. */
package io.k8j.bench.logs;

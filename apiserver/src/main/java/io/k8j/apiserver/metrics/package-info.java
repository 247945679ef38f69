/**
 * {@code metrics.k8s.io/v1beta1} served by the API server itself, as metrics-server serves it:
 * NodeMetrics and PodMetrics from the kubelets' resource metrics, scraped periodically.
 */
package io.k8j.apiserver.metrics;

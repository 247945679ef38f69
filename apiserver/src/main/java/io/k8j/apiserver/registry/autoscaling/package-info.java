/** The autoscaling group: HorizontalPodAutoscalers, stored as v2 and served as v2 and v1. */
package io.k8j.apiserver.registry.autoscaling;

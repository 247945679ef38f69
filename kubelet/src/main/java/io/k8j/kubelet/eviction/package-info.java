/** Node-pressure eviction: when memory runs low, pods are evicted, BestEffort first. */
package io.k8j.kubelet.eviction;

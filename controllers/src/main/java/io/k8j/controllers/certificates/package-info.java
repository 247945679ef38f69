/**
 * Certificate controllers: csrapproving (auto-approves kubelet client certificates for bootstrap
 * tokens and node renewals) and csrsigning (signs approved requests with the cluster CA).
 */
package io.k8j.controllers.certificates;

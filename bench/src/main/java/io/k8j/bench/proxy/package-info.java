/**
 * {@code k8j bench proxy}: HTTP requests through a cluster IP and a node port against straight to
 * the endpoint, in the iptables mode (inside network namespaces the benchmark creates) and in the
 * userspace mode (on loopback).
 */
package io.k8j.bench.proxy;

/**
 * The {@code kube-system/kube-dns} Service: its virtual IP, and endpoints on the nodes that run the
 * cluster DNS server.
 */
package io.k8j.dns.service;

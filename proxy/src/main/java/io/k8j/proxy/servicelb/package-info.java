/**
 * ServiceLB, as k3s's: LoadBalancer Services without a {@code loadBalancerClass} get the nodes'
 * addresses as their ingress, and the proxy routes traffic to those addresses at the Service's
 * ports.
 */
package io.k8j.proxy.servicelb;

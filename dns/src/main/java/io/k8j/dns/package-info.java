/** Cluster DNS: answers service and pod names from informers. */
package io.k8j.dns;

/**
 * Leader election on coordination.k8s.io/v1 Leases, as client-go's {@code leaderelection}: of
 * several copies of a component exactly one acts, and one that cannot renew its lease in time stops
 * acting before another can take the lease over.
 */
package io.k8j.client.leaderelection;

/**
 * NodeResourcesFit (requests against allocatable; LeastAllocated, MostAllocated or
 * RequestedToCapacityRatio scoring) and NodeResourcesBalancedAllocation.
 */
package io.k8j.scheduler.plugins.noderesources;

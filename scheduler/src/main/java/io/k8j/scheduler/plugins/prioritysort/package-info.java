/** PrioritySort: the default queue sort, by pod priority then queueing time. */
package io.k8j.scheduler.plugins.prioritysort;

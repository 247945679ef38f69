/** The scheduler benchmark, in the manner of upstream's scheduler_perf. */
package io.k8j.bench.scheduler;

/** The scheduler: a plugin framework that places pods on nodes. */
package io.k8j.scheduler;

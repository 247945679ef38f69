/**
 * The framework's implementation: one {@code FrameworkImpl} per profile places the configured
 * plugins at their extension points and runs them; the parallelizer and the permit waits.
 */
package io.k8j.scheduler.framework.runtime;

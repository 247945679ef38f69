/** Benchmarks that print figures and ratios; run on demand, never asserted in CI. */
package io.k8j.bench;

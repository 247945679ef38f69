/** Shared basics with no HTTP and no store: clock, backoff, lifecycle, quantities. */
package io.k8j.common;

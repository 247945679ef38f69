/** The scheduler's writes to pods through the API server: binding, status patches, deletion. */
package io.k8j.scheduler.util;

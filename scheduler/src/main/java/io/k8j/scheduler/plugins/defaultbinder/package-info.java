/** DefaultBinder: binds pods through the {@code pods/binding} subresource. */
package io.k8j.scheduler.plugins.defaultbinder;

/** NodeName: honours a pod's {@code spec.nodeName}. */
package io.k8j.scheduler.plugins.nodename;

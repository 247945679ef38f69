/** NodePorts: host port conflicts. */
package io.k8j.scheduler.plugins.nodeports;

/** NodeUnschedulable: keeps pods off cordoned nodes. */
package io.k8j.scheduler.plugins.nodeunschedulable;

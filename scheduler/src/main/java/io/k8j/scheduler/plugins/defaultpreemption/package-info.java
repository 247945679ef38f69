/** DefaultPreemption: evicts lower-priority pods so a higher-priority pod fits. */
package io.k8j.scheduler.plugins.defaultpreemption;

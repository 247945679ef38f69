/** NodeAffinity: node selector and node affinity, required (filter) and preferred (score). */
package io.k8j.scheduler.plugins.nodeaffinity;

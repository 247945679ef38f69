/** TaintToleration: node taints against pod tolerations (filter and score). */
package io.k8j.scheduler.plugins.tainttoleration;

/** PodTopologySpread: topology spread constraints (filter and score), cluster defaults. */
package io.k8j.scheduler.plugins.podtopologyspread;

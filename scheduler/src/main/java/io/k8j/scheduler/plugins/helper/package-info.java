/** What several plugins share: taint matching, node affinity matching, score normalization. */
package io.k8j.scheduler.plugins.helper;

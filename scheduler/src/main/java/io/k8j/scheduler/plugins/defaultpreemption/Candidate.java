package io.k8j.scheduler.plugins.defaultpreemption;

import io.k8j.scheduler.framework.PodInfo;
import java.util.List;

/**
 * A node where the preemptor fits once {@code victims} (most important first) are gone, and how
 * many of them a PodDisruptionBudget protects.
 */
record Candidate(String node, List<PodInfo> victims, int pdbViolations) {}

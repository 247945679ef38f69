/** API discovery in both forms kubectl reads: legacy (per group-version) and aggregated (v2). */
package io.k8j.apiserver.discovery;

/** The in-tree plugins, one package each, and their registry. */
package io.k8j.scheduler.plugins;

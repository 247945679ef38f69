/** The k8j command: server, agent, token, kubeconfig, bench; wires the components together. */
package io.k8j.cli;

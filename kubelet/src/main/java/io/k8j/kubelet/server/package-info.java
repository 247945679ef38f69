/** The kubelet's HTTPS API (port 10250): {@code /healthz}, {@code /pods}, {@code /spec}. */
package io.k8j.kubelet.server;

/** The node agent: runs the pods bound to its node through a container runtime. */
package io.k8j.kubelet;

/**
 * The streaming protocols of exec, attach and port-forward, shared by the kubelet and the API
 * server.
 */
package io.k8j.streaming;

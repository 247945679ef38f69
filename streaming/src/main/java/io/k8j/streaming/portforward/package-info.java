/** port-forward (portforward.k8s.io) over SPDY, plain or tunnelled in WebSocket. */
package io.k8j.streaming.portforward;

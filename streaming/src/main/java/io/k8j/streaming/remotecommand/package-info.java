/**
 * exec and attach: the channel protocols (v4, v5) over WebSocket or SPDY, server and client sides.
 */
package io.k8j.streaming.remotecommand;

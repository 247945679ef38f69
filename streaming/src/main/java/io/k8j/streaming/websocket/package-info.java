/** RFC 6455 framing for the channel protocols and the SPDY tunnel. */
package io.k8j.streaming.websocket;

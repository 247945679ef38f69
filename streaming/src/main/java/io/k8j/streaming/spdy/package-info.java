/**
 * SPDY/3.1 framing and sessions as kubectl and the CRI streaming servers speak them (no flow
 * control).
 */
package io.k8j.streaming.spdy;

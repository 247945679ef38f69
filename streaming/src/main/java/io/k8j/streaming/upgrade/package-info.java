/** Taking over a Jetty HTTP/1.1 connection after a 101 answer, as blocking streams. */
package io.k8j.streaming.upgrade;

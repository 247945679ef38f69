/** {@code DnsBench}: queries per second and latency of cluster DNS over UDP, against CoreDNS's. */
package io.k8j.bench.dns;

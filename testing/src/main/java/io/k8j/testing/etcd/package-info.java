/**
 * A real etcd cluster for tests and benchmarks: one or three {@code etcd} processes on loopback
 * ports, with their data in a temporary directory, that a test can stop, kill and restart member by
 * member.
 */
package io.k8j.testing.etcd;

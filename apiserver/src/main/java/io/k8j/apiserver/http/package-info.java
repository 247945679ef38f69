/**
 * HTTP serving: routing requests the way upstream's RequestInfo does, authentication and limits,
 * content negotiation (JSON, YAML, Table), Status errors, and streaming watches.
 */
package io.k8j.apiserver.http;

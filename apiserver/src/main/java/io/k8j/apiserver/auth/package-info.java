/**
 * Authentication: the cluster PKI (CA, serving and client certificates, component kubeconfigs), and
 * the request authenticators (x509 client certificates, static tokens, anonymous).
 */
package io.k8j.apiserver.auth;

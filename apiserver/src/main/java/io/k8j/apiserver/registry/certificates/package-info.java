/** The certificates.k8s.io group: CertificateSigningRequests and their approval. */
package io.k8j.apiserver.registry.certificates;

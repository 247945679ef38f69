/**
 * The API objects pods refer to, as the kubelet reads them: config maps, secrets, claims and
 * volumes by GET, services from an informer, service account tokens from the TokenRequest API.
 */
package io.k8j.kubelet.objects;

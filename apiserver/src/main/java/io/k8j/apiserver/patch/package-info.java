/**
 * Patches applied to unstructured objects: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
 */
package io.k8j.apiserver.patch;

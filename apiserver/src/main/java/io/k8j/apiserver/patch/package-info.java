/**
 * Patches applied to unstructured objects: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch with the merge keys and strategies of the built-in types.
 */
package io.k8j.apiserver.patch;

/**
 * The OpenAPI documents (v3 root and one per group-version, v2) describing every served kind with
 * upstream's documentation, extracted at build time ({@link
 * io.k8j.apiserver.openapi.DescriptionExtractor}); and the field schemas of the kinds, taken from
 * the fabric8 model classes, that field validation checks bodies against.
 */
package io.k8j.apiserver.openapi;

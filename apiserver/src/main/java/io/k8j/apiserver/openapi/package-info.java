/**
 * The OpenAPI documents kubectl reads (v3, one per group-version) and the field schemas of the
 * kinds, taken from the fabric8 model classes, that field validation checks bodies against.
 */
package io.k8j.apiserver.openapi;

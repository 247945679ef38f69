/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) and the custom resources they define: the CRD
 * kind itself, the structural schema that validates, defaults and prunes custom resources, and the
 * controller that serves a CRD's resources while it exists and removes them with it.
 */
package io.k8j.apiserver.crd;

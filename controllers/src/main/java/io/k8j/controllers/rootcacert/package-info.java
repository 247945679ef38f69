/** The root-ca-cert-publisher: the kube-root-ca.crt ConfigMap in every namespace. */
package io.k8j.controllers.rootcacert;

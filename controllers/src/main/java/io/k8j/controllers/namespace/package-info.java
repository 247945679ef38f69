/**
 * The namespace controller: empties a namespace being deleted of every namespaced resource, reports
 * what is left in its status conditions, and removes the {@code kubernetes} finalizer once it is
 * empty.
 */
package io.k8j.controllers.namespace;

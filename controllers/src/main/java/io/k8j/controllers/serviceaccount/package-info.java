/**
 * The service account controllers: a {@code default} ServiceAccount in every active namespace, and
 * the token, CA and namespace of each legacy service-account token Secret.
 */
package io.k8j.controllers.serviceaccount;

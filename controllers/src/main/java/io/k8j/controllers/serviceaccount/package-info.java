/** The service account controller: a {@code default} ServiceAccount in every active namespace. */
package io.k8j.controllers.serviceaccount;

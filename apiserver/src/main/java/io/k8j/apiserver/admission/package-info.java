/**
 * Admission: the plugins that mutate and then validate every write after authorization and before
 * storage (upstream's admission chain), and the request context they read the user from.
 */
package io.k8j.apiserver.admission;

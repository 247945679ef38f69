/** Test support: object builders, fake clock, an in-process cluster. */
package io.k8j.testing;

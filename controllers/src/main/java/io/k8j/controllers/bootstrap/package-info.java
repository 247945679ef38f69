/** Bootstrap token housekeeping: the token cleaner deletes expired bootstrap token Secrets. */
package io.k8j.controllers.bootstrap;

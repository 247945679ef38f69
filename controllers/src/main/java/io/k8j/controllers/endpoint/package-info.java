/**
 * The Endpoints controller: for every Service with a selector, an Endpoints object listing the
 * ready and not-ready addresses of the matching pods with their (per pod resolved) ports.
 */
package io.k8j.controllers.endpoint;

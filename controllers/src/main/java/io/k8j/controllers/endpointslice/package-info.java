/**
 * The EndpointSlice controller: for every Service with a selector, EndpointSlices of at most 100
 * endpoints each, one group of slices per distinct set of resolved ports, owned by the Service.
 */
package io.k8j.controllers.endpointslice;

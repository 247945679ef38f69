/** Field errors and the validation rules shared by kinds: names, labels, quantities, ports. */
package io.k8j.apiserver.registry.validation;

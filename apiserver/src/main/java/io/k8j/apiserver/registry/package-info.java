/**
 * The resource registry: each resource declared once ({@link
 * io.k8j.apiserver.registry.ResourceDef}) with its strategy, and the generic storage, listing,
 * selection and Table conversion over the store that every resource shares. Kinds live in one
 * subpackage per API group.
 */
package io.k8j.apiserver.registry;

/**
 * Field ownership, as upstream's fieldmanager and structured-merge-diff: field sets in the FieldsV1
 * format, the managedFields of every write, and the merge, pruning and conflicts of server-side
 * apply.
 */
package io.k8j.apiserver.managedfields;

/**
 * Pod status: generating the API status from the runtime's state (phase, conditions, container
 * states with reasons) and writing it to the API server when it changes.
 */
package io.k8j.kubelet.status;

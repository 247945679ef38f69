/** Events the kubelet records about pods and its node, with upstream's reasons and wording. */
package io.k8j.kubelet.events;

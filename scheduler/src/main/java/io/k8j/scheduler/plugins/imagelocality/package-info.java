/** ImageLocality: prefers nodes that already hold the pod's images. */
package io.k8j.scheduler.plugins.imagelocality;

/**
 * Pod volumes on the node: emptyDir, hostPath, configMap, secret, downwardAPI, projected and
 * persistentVolumeClaim (to local and hostPath volumes), written atomically and refreshed in place
 * at every pod sync.
 */
package io.k8j.kubelet.volume;

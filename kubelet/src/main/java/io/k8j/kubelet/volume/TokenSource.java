package io.k8j.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;

/** Service account tokens for projected volumes (the TokenRequest API), refreshed before expiry. */
public interface TokenSource {
  /** A token for the pod's service account, valid for about {@code expirationSeconds}. */
  String token(Pod pod, String audience, long expirationSeconds) throws Exception;
}

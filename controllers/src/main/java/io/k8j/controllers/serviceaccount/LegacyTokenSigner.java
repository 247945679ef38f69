package io.k8j.controllers.serviceaccount;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;

/**
 * Signs the long-lived tokens of service-account token Secrets as upstream's {@code
 * serviceaccount.JWTTokenGenerator} with the legacy claims: issuer {@code
 * kubernetes/serviceaccount}, no expiry, the namespace, secret and service account (name and uid)
 * in flat {@code kubernetes.io/serviceaccount/*} claims. The API server accepts such a token while
 * the Secret holds it and the account exists.
 */
public final class LegacyTokenSigner {
  private static final String PREFIX = "kubernetes.io/serviceaccount/";
  private final PrivateKey key;

  /**
   * @param key the cluster's service-account signing key (upstream's {@code
   *     --service-account-private-key-file})
   */
  public LegacyTokenSigner(PrivateKey key) {
    this.key = key;
  }

  String sign(String namespace, String serviceAccount, String serviceAccountUid, String secret) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("kubernetes/serviceaccount")
            .subject("system:serviceaccount:" + namespace + ":" + serviceAccount)
            .claim(PREFIX + "namespace", namespace)
            .claim(PREFIX + "secret.name", secret)
            .claim(PREFIX + "service-account.name", serviceAccount)
            .claim(PREFIX + "service-account.uid", serviceAccountUid)
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a service account token", e);
    }
    return jwt.serialize();
  }
}

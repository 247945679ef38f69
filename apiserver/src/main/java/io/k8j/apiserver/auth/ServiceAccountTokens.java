package io.k8j.apiserver.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.k8j.common.Clock;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Service-account tokens as upstream's {@code serviceaccount} token generator and authenticator:
 * RS256 JWTs signed with the cluster's service-account key ({@code sa.key}), issued by {@link
 * #ISSUER} for audiences, with an expiry, and bound in their private {@code kubernetes.io} claim to
 * a namespace, a service account (with its uid) and optionally a pod or a secret (with theirs).
 * Verification checks the signature, the issuer, the audience and the time, then that every bound
 * object still exists with the same uid: a token outlives none of them.
 */
public final class ServiceAccountTokens implements TokenAuthenticator {
  /** Upstream's default {@code --service-account-issuer} for a cluster.local cluster. */
  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  /** The issuer of the legacy, secret-based tokens (no expiry, bound to a secret). */
  public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";

  /** A token of a pod being deleted keeps working this long after its deletion started. */
  static final Duration DELETED_POD_GRACE = Duration.ofSeconds(60);

  /** A bound object: a pod, a secret or a node, by name and uid. */
  public record Ref(String name, String uid) {}

  /**
   * What a token says.
   *
   * @param pod the pod it is bound to, or null
   * @param secret the secret it is bound to, or null
   * @param expires null for legacy tokens, which do not expire
   */
  public record Claims(
      String namespace,
      String serviceAccount,
      String serviceAccountUid,
      Ref pod,
      Ref secret,
      Ref node,
      List<String> audiences,
      Instant issuedAt,
      Instant expires) {}

  private final KeyPair keys;
  private final String keyId;
  private final List<String> apiAudiences;
  private final ObjectLookup lookup;
  private final Clock clock;

  public ServiceAccountTokens(
      KeyPair keys, List<String> apiAudiences, ObjectLookup lookup, Clock clock) {
    this.keys = keys;
    this.keyId = keyId(keys);
    this.apiAudiences = List.copyOf(apiAudiences);
    this.lookup = lookup;
    this.clock = clock;
  }

  /** The audiences the API server accepts tokens for (upstream's {@code --api-audiences}). */
  public List<String> apiAudiences() {
    return apiAudiences;
  }

  /** Signs a token carrying {@code claims}. */
  public String issue(Claims c) {
    Map<String, Object> k8s = new LinkedHashMap<>();
    k8s.put("namespace", c.namespace());
    if (c.node() != null) {
      k8s.put("node", ref(c.node()));
    }
    if (c.pod() != null) {
      k8s.put("pod", ref(c.pod()));
    }
    if (c.secret() != null) {
      k8s.put("secret", ref(c.secret()));
    }
    k8s.put("serviceaccount", ref(new Ref(c.serviceAccount(), c.serviceAccountUid())));
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(c.expires() == null ? LEGACY_ISSUER : ISSUER)
            .subject(username(c.namespace(), c.serviceAccount()))
            .claim("kubernetes.io", k8s);
    if (c.expires() != null) {
      claims
          .audience(c.audiences())
          .expirationTime(Date.from(c.expires()))
          .issueTime(Date.from(c.issuedAt()))
          .notBeforeTime(Date.from(c.issuedAt()))
          .jwtID(UUID.randomUUID().toString());
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims.build());
    try {
      jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a service account token", e);
    }
    return jwt.serialize();
  }

  /**
   * The user a service-account token stands for; null when {@code token} is no JWT of this issuer
   * (another authenticator may know it).
   *
   * @throws Authenticator.InvalidCredentialsException when it is ours and not valid (bad signature,
   *     expired, wrong audience, or a bound object gone)
   */
  @Override
  public UserInfo authenticate(String token) {
    Claims c = parse(token);
    if (c == null) {
      return null;
    }
    checkBound(c);
    if (c.expires() == null) {
      checkSecretHolds(c, token);
    }
    return UserInfo.authenticated(
        username(c.namespace(), c.serviceAccount()),
        c.serviceAccountUid(),
        List.of("system:serviceaccounts", "system:serviceaccounts:" + c.namespace()));
  }

  /**
   * The verified claims of {@code token}, without checking the bound objects; null when it is not a
   * token of this issuer.
   */
  Claims parse(String token) {
    if (token.chars().filter(ch -> ch == '.').count() != 2) {
      return null;
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return null;
    }
    String issuer = claims.getIssuer();
    boolean legacy = LEGACY_ISSUER.equals(issuer);
    if (!ISSUER.equals(issuer) && !legacy) {
      return null;
    }
    try {
      JWSVerifier verifier = new RSASSAVerifier((RSAPublicKey) keys.getPublic());
      if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        throw invalid();
      }
    } catch (JOSEException e) {
      throw invalid();
    }
    return legacy ? legacyClaims(claims) : boundClaims(claims);
  }

  private Claims boundClaims(JWTClaimsSet claims) {
    Instant now = clock.now();
    Date exp = claims.getExpirationTime();
    Date nbf = claims.getNotBeforeTime();
    if (exp == null || !now.isBefore(exp.toInstant())) {
      throw invalid();
    }
    if (nbf != null && now.plusSeconds(60).isBefore(nbf.toInstant())) {
      throw invalid();
    }
    List<String> aud = claims.getAudience();
    if (aud == null || aud.stream().noneMatch(apiAudiences::contains)) {
      throw invalid();
    }
    Object k8s = claims.getClaim("kubernetes.io");
    if (!(k8s instanceof Map<?, ?> m)) {
      throw invalid();
    }
    Ref sa = refOf(m.get("serviceaccount"));
    String ns = m.get("namespace") instanceof String s ? s : null;
    if (sa == null || ns == null) {
      throw invalid();
    }
    return new Claims(
        ns,
        sa.name(),
        sa.uid(),
        refOf(m.get("pod")),
        refOf(m.get("secret")),
        refOf(m.get("node")),
        aud,
        claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(),
        exp.toInstant());
  }

  /** Legacy tokens name their service account and secret in flat claims. */
  private static Claims legacyClaims(JWTClaimsSet claims) {
    String prefix = "kubernetes.io/serviceaccount/";
    String ns = (String) claims.getClaim(prefix + "namespace");
    String sa = (String) claims.getClaim(prefix + "service-account.name");
    String saUid = (String) claims.getClaim(prefix + "service-account.uid");
    String secret = (String) claims.getClaim(prefix + "secret.name");
    if (ns == null || sa == null || secret == null) {
      throw invalid();
    }
    return new Claims(ns, sa, saUid, null, new Ref(secret, null), null, List.of(), null, null);
  }

  /** Signs a legacy token for the secret {@code secretName} of a service account. */
  public String issueLegacy(String namespace, String serviceAccount, String saUid, String secret) {
    String prefix = "kubernetes.io/serviceaccount/";
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(LEGACY_ISSUER)
            .subject(username(namespace, serviceAccount))
            .claim(prefix + "namespace", namespace)
            .claim(prefix + "secret.name", secret)
            .claim(prefix + "service-account.name", serviceAccount)
            .claim(prefix + "service-account.uid", saUid)
            .build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims);
    try {
      jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a service account token", e);
    }
    return jwt.serialize();
  }

  private void checkBound(Claims c) {
    checkExists(
        "serviceaccounts", c.namespace(), new Ref(c.serviceAccount(), c.serviceAccountUid()));
    if (c.secret() != null) {
      checkExists("secrets", c.namespace(), c.secret());
    }
    if (c.pod() != null) {
      var meta = checkExists("pods", c.namespace(), c.pod());
      String deleted = meta.path("deletionTimestamp").asText("");
      if (!deleted.isEmpty()
          && Instant.parse(deleted).isBefore(clock.now().minus(DELETED_POD_GRACE))) {
        throw invalid();
      }
    }
  }

  /**
   * As upstream's legacy validator: a secret-based token is valid only while its Secret holds it
   * ("Token does not match server's copy" otherwise) and is not being deleted.
   */
  private void checkSecretHolds(Claims c, String token) {
    var secret = lookup.get("secrets", c.namespace(), c.secret().name());
    String held = secret == null ? "" : secret.path("data").path("token").asText("");
    String presented =
        Base64.getEncoder().encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (!held.equals(presented) || secret.path("metadata").has("deletionTimestamp")) {
      throw invalid();
    }
  }

  private com.fasterxml.jackson.databind.JsonNode checkExists(String resource, String ns, Ref ref) {
    var obj = lookup.get(resource, ns, ref.name());
    if (obj == null) {
      throw invalid();
    }
    var meta = obj.path("metadata");
    if (ref.uid() != null && !ref.uid().isEmpty() && !ref.uid().equals(meta.path("uid").asText())) {
      throw invalid();
    }
    return meta;
  }

  /** The OpenID provider configuration served at {@code /.well-known/openid-configuration}. */
  public Map<String, Object> openIdConfiguration() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", ISSUER);
    m.put("jwks_uri", ISSUER + "/openid/v1/jwks");
    m.put("response_types_supported", List.of("id_token"));
    m.put("subject_types_supported", List.of("public"));
    m.put("id_token_signing_alg_values_supported", List.of("RS256"));
    return m;
  }

  /** The public keys tokens are verified with, as a JWK set ({@code /openid/v1/jwks}). */
  public Map<String, Object> jwks() {
    RSAKey jwk =
        new RSAKey.Builder((RSAPublicKey) keys.getPublic())
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.RS256)
            .keyID(keyId)
            .build();
    return new JWKSet(jwk).toJSONObject(true);
  }

  /** {@code system:serviceaccount:<namespace>:<name>}. */
  public static String username(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  private static Map<String, Object> ref(Ref r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("uid", r.uid() == null ? "" : r.uid());
    return m;
  }

  private static Ref refOf(Object o) {
    if (o instanceof Map<?, ?> m && m.get("name") instanceof String name) {
      return new Ref(name, m.get("uid") instanceof String uid ? uid : "");
    }
    return null;
  }

  /** As upstream: the unpadded base64url of the SHA-256 of the public key's DER encoding. */
  private static String keyId(KeyPair keys) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Authenticator.InvalidCredentialsException invalid() {
    return new Authenticator.InvalidCredentialsException();
  }
}

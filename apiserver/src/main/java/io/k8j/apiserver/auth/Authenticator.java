package io.k8j.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Upstream's union of request authenticators: a client certificate the cluster CA signed, else a
 * bearer token (the static token file, which holds the admin token, then bootstrap and
 * service-account tokens), else anonymous. Credentials that are present but not valid fail the
 * request (401); none at all make the request anonymous and authorization decides.
 */
public final class Authenticator {
  private final ClusterPki pki;
  private final TokenFile tokens;
  private final List<TokenAuthenticator> others;

  public Authenticator(ClusterPki pki, TokenFile tokens) {
    this(pki, tokens, List.of());
  }

  /** With more kinds of bearer token, tried in order after the static ones. */
  public Authenticator(ClusterPki pki, TokenFile tokens, List<TokenAuthenticator> others) {
    this.pki = pki;
    this.tokens = tokens;
    this.others = List.copyOf(others);
  }

  /**
   * The user behind a request's client certificate chain and {@code Authorization} header.
   *
   * @throws InvalidCredentialsException when the request carries credentials that are not valid
   */
  public UserInfo authenticate(X509Certificate[] chain, String authorization) {
    if (chain != null && chain.length > 0) {
      Identity id = pki.verify(chain);
      if (id != null && !id.user().isEmpty()) {
        return UserInfo.authenticated(id.user(), "", id.groups());
      }
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      UserInfo user = token.isEmpty() ? null : tokens.user(token);
      for (int i = 0; user == null && !token.isEmpty() && i < others.size(); i++) {
        user = others.get(i).authenticate(token);
      }
      if (user == null) {
        throw new InvalidCredentialsException();
      }
      return user;
    }
    if (authorization != null && !authorization.isBlank()) {
      throw new InvalidCredentialsException();
    }
    if (chain != null && chain.length > 0) {
      throw new InvalidCredentialsException();
    }
    return UserInfo.ANONYMOUS;
  }

  /** Credentials were presented and are not valid: answered 401 Unauthorized. */
  public static final class InvalidCredentialsException extends RuntimeException {
    public InvalidCredentialsException() {
      super("Unauthorized", null, false, false);
    }
  }
}

package io.k8j.apiserver.auth;

/** One kind of bearer token: static, bootstrap, service account. */
@FunctionalInterface
public interface TokenAuthenticator {
  /**
   * The user {@code token} stands for; null when the token is not of this kind.
   *
   * @throws Authenticator.InvalidCredentialsException when it is of this kind and not valid
   */
  UserInfo authenticate(String token);
}

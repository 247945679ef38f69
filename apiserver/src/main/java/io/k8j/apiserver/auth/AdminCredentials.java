package io.k8j.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin bearer token, kept in {@code <data-dir>/pki/admin.token} and reused on restart; it
 * authenticates as the admin (group {@code system:masters}).
 */
public final class AdminCredentials {
  private final String token;

  private AdminCredentials(String token) {
    this.token = token;
  }

  public static AdminCredentials loadOrCreate(Path pkiDir) {
    try {
      Path file = pkiDir.resolve("admin.token");
      if (Files.exists(file)) {
        return new AdminCredentials(Files.readString(file).trim());
      }
      Files.createDirectories(pkiDir);
      byte[] raw = new byte[24];
      new SecureRandom().nextBytes(raw);
      String token = HexFormat.of().formatHex(raw);
      Files.writeString(file, token + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps its default permissions
      }
      return new AdminCredentials(token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String token() {
    return token;
  }

  /** The admin token's entry for the token authenticator: the admin, in system:masters. */
  public UserInfo user() {
    return UserInfo.authenticated(Identity.ADMIN.user(), "", Identity.ADMIN.groups());
  }
}

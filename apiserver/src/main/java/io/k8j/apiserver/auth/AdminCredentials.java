package io.k8j.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The admin bearer token (kept in {@code <data-dir>/pki/admin.token}, reused on restart) and the
 * admin kubeconfig written next to it, and the check of a request's {@code Authorization} header.
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

  /** Whether an Authorization header carries the admin token (compared in constant time). */
  public boolean authenticates(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a kubeconfig for the admin: the server URL, the CA and the token. */
  public void writeKubeconfig(Path file, String serverUrl, String caPem) {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: k8j
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: admin
          user:
            token: %s
        contexts:
        - name: k8j
          context:
            cluster: k8j
            user: admin
            namespace: default
        current-context: k8j
        preferences: {}
        """
            .formatted(serverUrl, ca, token);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps its default permissions
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

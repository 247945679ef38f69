package io.k8j.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Static bearer tokens in upstream's {@code --token-auth-file} format: one {@code
 * token,user,uid,"group1,group2"} a line (groups optional, {@code #} starts a comment).
 */
public final class TokenFile {
  private final Map<String, UserInfo> users;

  private TokenFile(Map<String, UserInfo> users) {
    this.users = users;
  }

  public static TokenFile of(Map<String, UserInfo> users) {
    return new TokenFile(Map.copyOf(users));
  }

  /** These tokens and one more. */
  public TokenFile with(String token, UserInfo user) {
    java.util.HashMap<String, UserInfo> all = new java.util.HashMap<>(users);
    all.put(token, user);
    return of(all);
  }

  /** Reads {@code file}; an absent file holds no tokens. */
  public static TokenFile read(Path file) {
    if (file == null || !Files.exists(file)) {
      return of(Map.of());
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TokenFile parse(String csv) {
    java.util.HashMap<String, UserInfo> users = new java.util.HashMap<>();
    int n = 0;
    for (String line : csv.split("\n")) {
      n++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line);
      if (fields.size() < 3) {
        throw new IllegalArgumentException("token file line " + n + ": want at least 3 columns");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3 && !fields.get(3).isEmpty()) {
        groups.addAll(Arrays.asList(fields.get(3).split(",")));
      }
      users.put(fields.get(0), UserInfo.authenticated(fields.get(1), fields.get(2), groups));
    }
    return of(users);
  }

  /** CSV fields: commas split, except inside double quotes. */
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().strip());
    return out;
  }

  /** The user {@code token} stands for, or null (compared in constant time). */
  public UserInfo user(String token) {
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    UserInfo found = null;
    for (Map.Entry<String, UserInfo> e : users.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = e.getValue();
      }
    }
    return found;
  }
}

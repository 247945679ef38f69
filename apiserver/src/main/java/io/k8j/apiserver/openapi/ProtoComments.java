package io.k8j.apiserver.openapi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Build time, beside {@link DescriptionExtractor}: the field comments of upstream's {@code
 * generated.proto} files, as protoc copied them into the Java sources of the Kubernetes Java
 * client's protobuf module ({@code io.kubernetes:client-java-proto}, sources jar). They hold the
 * descriptions the OpenAPI-generated models lose: those of fields whose type is another kind's
 * ({@code DeploymentSpec.strategy}). Comments become descriptions as upstream's OpenAPI generator
 * makes them: generator markers ({@code +optional}) dropped, lines joined, paragraphs kept.
 */
final class ProtoComments {
  private static final String PACKAGE = "io/kubernetes/client/proto/";
  private static final Pattern MESSAGE =
      Pattern.compile("@@protoc_insertion_point\\(interface_extends:([\\w.]+)\\)");
  private static final Pattern FIELD = Pattern.compile("<code>.*?\\s(\\w+) = \\d+;</code>");

  private ProtoComments() {}

  /**
   * Upstream definition name ({@code io.k8s.api.apps.v1.DeploymentSpec}) to field to description;
   * empty when the sources are not on the class path.
   */
  static Map<String, Map<String, String>> read(ClassLoader loader) throws IOException {
    Map<String, Map<String, String>> out = new TreeMap<>();
    URL anchor = loader.getResource(PACKAGE + "V1Apps.java");
    if (anchor == null) {
      return out;
    }
    JarURLConnection conn = (JarURLConnection) anchor.openConnection();
    conn.setUseCaches(false);
    try (JarFile jar = conn.getJarFile()) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        if (e.getName().startsWith(PACKAGE) && e.getName().endsWith(".java")) {
          try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(jar.getInputStream(e), StandardCharsets.UTF_8))) {
            parse(r, out);
          }
        }
      }
    }
    return out;
  }

  private static void parse(BufferedReader r, Map<String, Map<String, String>> out)
      throws IOException {
    String message = null;
    StringBuilder comment = null;
    String last = null;
    String line;
    while ((line = r.readLine()) != null) {
      String t = line.trim();
      Matcher m = MESSAGE.matcher(t);
      if (m.find()) {
        message = m.group(1).replaceFirst("^k8s\\.io\\.", "io.k8s.");
        continue;
      }
      if (t.equals("* <pre>")) {
        comment = new StringBuilder();
      } else if (t.equals("* </pre>")) {
        last = comment == null ? null : comment.toString();
        comment = null;
      } else if (comment != null) {
        comment.append(t.equals("*") ? "" : t.startsWith("* ") ? t.substring(2) : t).append('\n');
      } else if (last != null && message != null) {
        Matcher f = FIELD.matcher(t);
        if (f.find()) {
          out.computeIfAbsent(message, k -> new TreeMap<>())
              .putIfAbsent(f.group(1), description(unescape(last)));
          last = null;
        } else if (t.startsWith("public") || t.startsWith("}")) {
          last = null;
        }
      }
    }
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#64;", "@")
        .replace("&#42;", "*")
        .replace("*&#47;", "*/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
  }

  /** Upstream's {@code fmtRawDoc}: the OpenAPI description of a Go doc comment. */
  static String description(String raw) {
    StringBuilder b = new StringBuilder();
    for (String line : raw.split("---", -1)[0].split("\n", -1)) {
      line = line.stripTrailing();
      String leading = line.stripLeading();
      if (line.isEmpty()) {
        dropLast(b);
        b.append("\n\n");
      } else if (leading.startsWith("TODO") || leading.startsWith("+")) {
        continue;
      } else if (line.startsWith(" ") || line.startsWith("\t")) {
        dropLast(b);
        b.append('\n').append(line).append('\n');
      } else if (line.endsWith(".")) {
        b.append(line).append('\n');
      } else {
        b.append(line).append(' ');
      }
    }
    String s = b.toString();
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') {
      end--;
    }
    return s.substring(0, end).strip();
  }

  private static void dropLast(StringBuilder b) {
    if (!b.isEmpty() && (b.charAt(b.length() - 1) == ' ' || b.charAt(b.length() - 1) == '\n')) {
      b.setLength(b.length() - 1);
    }
  }
}

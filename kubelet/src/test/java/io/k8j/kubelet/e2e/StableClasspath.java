package io.k8j.kubelet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads every class of the jars the test API server comes from, up front. Other modules' snapshots
 * are resolved from the local Maven repository, which their engineers reinstall while tests run; a
 * class loaded lazily from a jar rewritten under the JVM fails to load.
 */
public final class StableClasspath {
  private StableClasspath() {}

  public static void preload(Class<?>... anchors) {
    for (Class<?> anchor : anchors) {
      try {
        Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.toString().endsWith(".jar")) {
          continue;
        }
        try (JarFile f = new JarFile(jar.toFile())) {
          for (JarEntry e : java.util.Collections.list(f.entries())) {
            String n = e.getName();
            if (n.endsWith(".class") && !n.contains("module-info") && !n.contains("package-info")) {
              try {
                Class.forName(
                    n.substring(0, n.length() - 6).replace('/', '.'),
                    false,
                    anchor.getClassLoader());
              } catch (ClassNotFoundException | LinkageError ignored) {
                // optional dependencies of a class that is never used
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

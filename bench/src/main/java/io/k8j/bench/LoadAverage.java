package io.k8j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load, printed next to figures that depend on it. */
public final class LoadAverage {
  private LoadAverage() {}

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  public static String now() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}

package io.k8j.kubelet.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small image made of Debian's static busybox ({@code busybox-static}): {@code /bin/busybox} and
 * a symlink in {@code /bin} for each of its applets, {@code /etc/passwd}, {@code /tmp}. Tests run
 * it; with {@code sleep} as command it is also the pause image every sandbox runs.
 */
public final class BusyboxImage {
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  /** The sandbox image k8j imports and names in containerd's configuration. */
  public static final String PAUSE_IMAGE = "k8j.local/pause:busybox";

  private static final List<String> ENV =
      List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

  private BusyboxImage() {}

  public static boolean available() {
    return Files.isExecutable(BUSYBOX);
  }

  /** Writes the busybox image {@code name} (default command {@code sh}) to {@code out}. */
  public static void write(Path out, String name) {
    OciImageWriter.write(out, name, entries(), List.of("sh"), ENV);
  }

  /** Writes the pause image: busybox sleeping for ever as the sandbox's first process. */
  public static void writePause(Path out) {
    OciImageWriter.write(out, PAUSE_IMAGE, entries(), List.of("sleep", "2147483647"), ENV);
  }

  private static List<OciImageWriter.Entry> entries() {
    try {
      List<OciImageWriter.Entry> e = new ArrayList<>();
      for (String d : List.of("bin", "etc", "root", "var", "var/www", "proc", "sys", "dev")) {
        e.add(new OciImageWriter.Dir(d, 0755));
      }
      e.add(new OciImageWriter.Dir("tmp", 01777));
      e.add(new OciImageWriter.File("bin/busybox", 0755, Files.readAllBytes(BUSYBOX)));
      for (String applet : applets()) {
        if (!applet.equals("busybox")) {
          e.add(new OciImageWriter.Symlink("bin/" + applet, "busybox"));
        }
      }
      e.add(
          new OciImageWriter.File(
              "etc/passwd",
              0644,
              "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                  .getBytes(StandardCharsets.UTF_8)));
      e.add(
          new OciImageWriter.File(
              "etc/group", 0644, "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8)));
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException("could not read " + BUSYBOX, ex);
    }
  }

  private static List<String> applets() throws IOException {
    Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return out.lines().map(String::strip).filter(s -> !s.isEmpty() && !s.contains("/")).toList();
  }
}

package io.k8j.cli;

import io.k8j.kubelet.images.BusyboxImage;
import io.k8j.kubelet.images.ImageImporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code k8j images}: container images for machines without a registry, imported from archives into
 * the node's runtime.
 */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "Import container images from archives (OCI layout or docker archive).",
    subcommands = {ImagesCommand.Import.class, ImagesCommand.Busybox.class})
final class ImagesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Import an image archive into this node's containerd, and keep a copy in"
            + " <data-dir>/agent/images/ so that the node imports it again at every start."
      })
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "An OCI layout or docker archive (.tar).")
    Path archive;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "The node's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    @Override
    public Integer call() {
      ImageImporter.Result r = ImageImporter.importFile(dataDir, archive);
      System.out.println(r.message());
      return 0;
    }
  }

  @Command(
      name = "build-busybox",
      mixinStandardHelpOptions = true,
      description = {
        "Write a small image with Debian's busybox-static (sh, httpd, wget, sleep, ...) as an"
            + " OCI archive, for clusters without a registry."
      })
  static final class Busybox implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The archive to write (.tar).")
    Path out;

    @Option(names = "--name", description = "The image's name (default: ${DEFAULT-VALUE}).")
    String name = "docker.io/library/busybox:latest";

    @Override
    public Integer call() {
      if (!BusyboxImage.available()) {
        System.err.println(
            "k8j images: " + BusyboxImage.BUSYBOX + " is missing: apt-get install busybox-static");
        return 1;
      }
      BusyboxImage.write(out, name);
      System.out.println("wrote " + name + " to " + out);
      return 0;
    }
  }
}

package io.k8j.kubelet.images;

import io.k8j.kubelet.AgentPaths;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.kubelet.runtime.cri.CriRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports image archives (OCI layout or docker archive tarballs) into a node's runtime, for
 * machines without a registry: {@code k8j images import FILE} and the archives in {@code
 * <data-dir>/agent/images/} at each kubelet start.
 */
public final class ImageImporter {
  private static final Logger log = LoggerFactory.getLogger(ImageImporter.class);

  /** What {@link #importFile} did. */
  public record Result(List<String> images, boolean imported, String message) {}

  private ImageImporter() {}

  /** Imports one archive into the runtime; returns the image names it held. */
  public static List<String> importArchive(ContainerRuntime runtime, Path archive) {
    return runtime.importImages(archive);
  }

  /** Imports every {@code .tar} archive of {@code dir} (the agent's images directory). */
  public static List<String> importDirectory(ContainerRuntime runtime, Path dir) {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (!f.getFileName().toString().endsWith(".tar")) {
          continue;
        }
        try {
          List<String> n = runtime.importImages(f);
          log.info("imported {} from {}", n, f);
          names.addAll(n);
        } catch (RuntimeException e) {
          log.warn("could not import {}: {}", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /**
   * The entry point of {@code k8j images import FILE}: imports into the node's running containerd
   * (the one {@code k8j server} or {@code agent} started for {@code dataDir}), and copies the
   * archive into {@code <dataDir>/agent/images/} so that it is imported again whenever the node
   * starts (on a node that is not running, that copy is the import).
   */
  public static Result importFile(Path dataDir, Path archive) {
    ImageArchive a = ImageArchive.read(archive);
    AgentPaths paths = new AgentPaths(dataDir);
    try {
      Files.createDirectories(paths.images());
      Path copy = paths.images().resolve(archive.getFileName().toString());
      if (!copy.toAbsolutePath().equals(archive.toAbsolutePath())) {
        Files.copy(archive, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy " + archive + " to " + paths.images(), e);
    }
    Path socket = paths.containerdSocket();
    if (Files.exists(socket)) {
      try (CriRuntime cri = new CriRuntime(socket)) {
        cri.version();
        cri.importImages(archive);
        return new Result(a.names(), true, "imported " + String.join(", ", a.names()));
      } catch (RuntimeCallException e) {
        log.debug("containerd on {} does not answer: {}", socket, e.getMessage());
      }
    }
    return new Result(
        a.names(),
        false,
        "the node is not running; "
            + String.join(", ", a.names())
            + " will be imported when it starts (from "
            + paths.images()
            + ")");
  }
}

package io.k8j.kubelet.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What an image archive holds, read from its index: an OCI layout ({@code index.json}, names in the
 * {@code io.containerd.image.name} or {@code org.opencontainers.image.ref.name} annotations) or a
 * docker archive ({@code manifest.json}, names in {@code RepoTags}).
 *
 * @param format {@code oci} or {@code docker}
 * @param names the normalized image names
 */
public record ImageArchive(String format, List<String> names) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static ImageArchive read(Path archive) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        if (n.equals("index.json")) {
          return new ImageArchive("oci", ociNames(JSON.readTree(tar.readAllBytes())));
        }
        if (n.equals("manifest.json")) {
          return new ImageArchive("docker", dockerNames(JSON.readTree(tar.readAllBytes())));
        }
      }
      throw new IllegalArgumentException(
          archive
              + " is neither an OCI layout nor a docker archive (no index.json, manifest.json)");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read image archive " + archive, e);
    }
  }

  private static List<String> ociNames(JsonNode index) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode m : index.path("manifests")) {
      JsonNode a = m.path("annotations");
      String full = a.path("io.containerd.image.name").asText("");
      String ref = a.path("org.opencontainers.image.ref.name").asText("");
      if (!full.isEmpty()) {
        names.add(ImageNames.normalize(full));
      } else if (ref.contains("/") || ref.contains(":")) {
        names.add(ImageNames.normalize(ref));
      }
    }
    return new ArrayList<>(names);
  }

  private static List<String> dockerNames(JsonNode manifest) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode m : manifest) {
      for (JsonNode t : m.path("RepoTags")) {
        names.add(ImageNames.normalize(t.asText()));
      }
    }
    return new ArrayList<>(names);
  }
}

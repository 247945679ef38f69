package io.k8j.kubelet.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a one-layer linux/amd64 image as an OCI layout tarball that {@code ctr images import} and
 * {@link ImageArchive} read. Entries carry mtime 0 and the gzip stream no timestamp, so the same
 * input gives the same digests.
 */
public final class OciImageWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file system entry of the layer. */
  public sealed interface Entry {
    String path();
  }

  public record Dir(String path, int mode) implements Entry {}

  public record File(String path, int mode, byte[] content) implements Entry {}

  public record Symlink(String path, String target) implements Entry {}

  private OciImageWriter() {}

  /**
   * Writes the image {@code name} with the layer {@code entries} and the image config's {@code cmd}
   * and {@code env} to {@code out}.
   */
  public static void write(
      Path out, String name, List<Entry> entries, List<String> cmd, List<String> env) {
    try {
      byte[] layerTar = layerTar(entries);
      byte[] layer = gzip(layerTar);
      ObjectNode config = JSON.createObjectNode();
      config.put("architecture", "amd64");
      config.put("os", "linux");
      ObjectNode c = config.putObject("config");
      ArrayNode envNode = c.putArray("Env");
      env.forEach(envNode::add);
      ArrayNode cmdNode = c.putArray("Cmd");
      cmd.forEach(cmdNode::add);
      c.put("WorkingDir", "/");
      ObjectNode rootfs = config.putObject("rootfs");
      rootfs.put("type", "layers");
      rootfs.putArray("diff_ids").add(digest(layerTar));
      byte[] configBytes = JSON.writeValueAsBytes(config);

      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      descriptor(
          manifest.putObject("config"), "application/vnd.oci.image.config.v1+json", configBytes);
      descriptor(
          manifest.putArray("layers").addObject(),
          "application/vnd.oci.image.layer.v1.tar+gzip",
          layer);
      byte[] manifestBytes = JSON.writeValueAsBytes(manifest);

      String full = ImageNames.normalize(name);
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      ObjectNode m = index.putArray("manifests").addObject();
      descriptor(m, "application/vnd.oci.image.manifest.v1+json", manifestBytes);
      ObjectNode platform = m.putObject("platform");
      platform.put("architecture", "amd64");
      platform.put("os", "linux");
      ObjectNode ann = m.putObject("annotations");
      ann.put("io.containerd.image.name", full);
      ann.put("org.opencontainers.image.ref.name", full.substring(full.lastIndexOf(':') + 1));

      Files.createDirectories(out.toAbsolutePath().getParent());
      try (OutputStream os = Files.newOutputStream(out);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
        put(tar, "index.json", JSON.writeValueAsBytes(index));
        dir(tar, "blobs/");
        dir(tar, "blobs/sha256/");
        for (byte[] blob : List.of(layer, configBytes, manifestBytes)) {
          put(tar, "blobs/sha256/" + digest(blob).substring("sha256:".length()), blob);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write image " + out, e);
    }
  }

  private static void descriptor(ObjectNode d, String mediaType, byte[] blob) {
    d.put("mediaType", mediaType);
    d.put("digest", digest(blob));
    d.put("size", blob.length);
  }

  private static byte[] layerTar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry te;
        switch (e) {
          case Dir d -> {
            te = new TarArchiveEntry(d.path().endsWith("/") ? d.path() : d.path() + "/");
            te.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | d.mode());
          }
          case File f -> {
            te = new TarArchiveEntry(f.path());
            te.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | f.mode());
            te.setSize(f.content().length);
          }
          case Symlink s -> {
            te = new TarArchiveEntry(s.path(), TarArchiveEntry.LF_SYMLINK);
            te.setLinkName(s.target());
          }
        }
        te.setModTime(0);
        te.setIds(0, 0);
        tar.putArchiveEntry(te);
        if (e instanceof File f) {
          tar.write(f.content());
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(in);
    }
    return out.toByteArray();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry te = new TarArchiveEntry(name);
    te.setSize(content.length);
    te.setModTime(0);
    tar.putArchiveEntry(te);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry te = new TarArchiveEntry(name);
    te.setModTime(0);
    tar.putArchiveEntry(te);
    tar.closeArchiveEntry();
  }

  static String digest(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.k8j.kubelet.images;

/**
 * Docker-style image reference normalization: {@code busybox} is {@code
 * docker.io/library/busybox:latest}.
 */
public final class ImageNames {
  private ImageNames() {}

  /** The fully qualified form of {@code ref}, as containerd names images. */
  public static String normalize(String ref) {
    String name = ref.strip();
    if (name.startsWith("sha256:")) {
      return name;
    }
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean hasRegistry =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!hasRegistry) {
      name = "docker.io/" + (slash < 0 ? "library/" : "") + name;
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    if (!last.contains(":") && !name.contains("@")) {
      name = name + ":latest";
    }
    return name;
  }

  /** True when the reference names a tag {@code latest} explicitly or by default. */
  public static boolean isLatest(String ref) {
    if (ref.contains("@")) {
      return false;
    }
    return normalize(ref).endsWith(":latest");
  }
}

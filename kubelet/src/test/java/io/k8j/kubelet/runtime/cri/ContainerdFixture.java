package io.k8j.kubelet.runtime.cri;

import io.k8j.cri.v1.PodSandbox;
import io.k8j.kubelet.images.BusyboxImage;
import io.k8j.kubelet.network.CniNetworkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A containerd of its own for a test: configuration, state and CNI under a fresh temporary
 * directory, a bridge named after the node, the busybox and pause images imported. {@link #close}
 * removes every sandbox, stops containerd, deletes the bridge and the directory.
 */
public final class ContainerdFixture implements AutoCloseable {
  public static final String BUSYBOX = "busybox:latest";

  public final Path dir;
  public final CniNetworkConfig network;
  public final Containerd containerd;
  public final CriRuntime cri;

  private ContainerdFixture(
      Path dir, CniNetworkConfig network, Containerd containerd, CriRuntime cri) {
    this.dir = dir;
    this.network = network;
    this.containerd = containerd;
    this.cri = cri;
  }

  public static ContainerdFixture start(String nodeName, String podCidr) throws IOException {
    Path dir = Files.createTempDirectory("k8j-ctd-");
    CniNetworkConfig net = CniNetworkConfig.forNode(nodeName, podCidr, dir);
    Path conf = dir.resolve("cni/net.d");
    net.writeTo(conf);
    ContainerdConfig config =
        new ContainerdConfig(
            dir.resolve("containerd/root"),
            dir.resolve("containerd/state"),
            dir.resolve("run/containerd.sock"),
            conf,
            net.binDir(),
            BusyboxImage.PAUSE_IMAGE);
    Containerd c = Containerd.start(config, dir.resolve("containerd"));
    CriRuntime cri = new CriRuntime(config.socket());
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    BusyboxImage.write(images.resolve("busybox.tar"), BUSYBOX);
    BusyboxImage.writePause(images.resolve("pause.tar"));
    cri.importImages(images.resolve("busybox.tar"));
    cri.importImages(images.resolve("pause.tar"));
    return new ContainerdFixture(dir, net, c, cri);
  }

  @Override
  public void close() {
    try {
      for (PodSandbox s : cri.listPodSandbox(null)) {
        cri.stopPodSandbox(s.getId());
        cri.removePodSandbox(s.getId());
      }
    } finally {
      cri.close();
      containerd.close();
      run("ip", "link", "del", network.bridge());
      run("umount", "-R", dir.toString());
      deleteTree(dir);
    }
  }

  static void run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}

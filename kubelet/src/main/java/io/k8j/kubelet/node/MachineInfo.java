package io.k8j.kubelet.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

/**
 * What the machine has, read from {@code /proc}, {@code /sys} and {@code /etc} (cadvisor's
 * MachineInfo, as far as the kubelet reports it).
 */
public record MachineInfo(
    int cores,
    long memoryBytes,
    long storageBytes,
    String machineId,
    String systemUuid,
    String bootId,
    String kernelVersion,
    String osImage,
    String hostname) {

  public static MachineInfo read(Path dataDir) {
    long storage;
    try {
      Files.createDirectories(dataDir);
      storage = Files.getFileStore(dataDir).getTotalSpace();
    } catch (IOException e) {
      storage = 0;
    }
    String machineId = file("/etc/machine-id").orElse("");
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        meminfo("MemTotal").orElse(Runtime.getRuntime().maxMemory()),
        storage,
        machineId,
        file("/sys/class/dmi/id/product_uuid").orElse(machineId),
        file("/proc/sys/kernel/random/boot_id").orElse(""),
        file("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")),
        readOsImage(),
        readHostname());
  }

  /** A value of {@code /proc/meminfo} in bytes. */
  public static Optional<Long> meminfo(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith(key + ":")) {
          String v = line.substring(key.length() + 1).strip().split("\\s+")[0];
          return Optional.of(Long.parseLong(v) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<String> file(String path) {
    try {
      return Optional.of(Files.readString(Path.of(path)).strip()).filter(s -> !s.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String readOsImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring(12).replace("\"", "");
        }
      }
    } catch (IOException e) {
      return "Linux";
    }
    return "Linux";
  }

  private static String readHostname() {
    return file("/proc/sys/kernel/hostname").orElse("localhost");
  }

  /**
   * The node's address: the first IPv4 address of an interface that is up, not loopback and not one
   * of the pod network's bridges or veths; loopback when there is none.
   */
  public static String detectNodeIp() {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        String n = ni.getName();
        if (!ni.isUp()
            || ni.isLoopback()
            || n.startsWith("k8j")
            || n.startsWith("veth")
            || n.startsWith("cni")
            || n.startsWith("docker")
            || n.startsWith("br-")) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      return "127.0.0.1";
    }
    return "127.0.0.1";
  }
}

package io.k8j.kubelet.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The node's CNI network: one Linux bridge named after the node, addresses from the node's pod
 * range by host-local (its state under the data directory), hostPort mappings by portmap. Written
 * as a conflist for containerd's CRI plugin and read by the process runtime.
 *
 * @param name the network name in the conflist
 * @param bridge the bridge interface name (at most 15 characters)
 * @param podCidr the node's pod range, e.g. {@code 10.42.0.0/24}
 * @param ipamDataDir where host-local keeps its allocations
 * @param binDir where the CNI plugin binaries are
 */
public record CniNetworkConfig(
    String name, String bridge, String podCidr, Path ipamDataDir, Path binDir) {
  public static final String CONFLIST_FILE = "10-k8j.conflist";
  public static final Path DEFAULT_BIN_DIR = Path.of("/usr/lib/cni");

  /**
   * The network of node {@code nodeName}: a bridge name derived from it, so nodes never share one.
   */
  public static CniNetworkConfig forNode(String nodeName, String podCidr, Path dataDir) {
    return new CniNetworkConfig(
        "k8j", bridgeName(nodeName), podCidr, dataDir.resolve("cni/networks"), DEFAULT_BIN_DIR);
  }

  static String bridgeName(String nodeName) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(nodeName.getBytes(StandardCharsets.UTF_8));
      return "k8j" + HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The gateway address: the first address of the pod range, held by the bridge. */
  public String gateway() {
    String base = podCidr.substring(0, podCidr.indexOf('/'));
    String[] o = base.split("\\.");
    return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) + 1);
  }

  /** The conflist JSON. */
  public String conflist() {
    return """
        {
          "cniVersion": "0.4.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%s"
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """
        .formatted(name, bridge, podCidr, ipamDataDir);
  }

  /** Writes the conflist into {@code confDir} (creating it) and returns the file. */
  public Path writeTo(Path confDir) {
    try {
      Files.createDirectories(confDir);
      Files.createDirectories(ipamDataDir);
      Path file = confDir.resolve(CONFLIST_FILE);
      Path tmp = confDir.resolve("." + CONFLIST_FILE + ".tmp");
      Files.writeString(tmp, conflist());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

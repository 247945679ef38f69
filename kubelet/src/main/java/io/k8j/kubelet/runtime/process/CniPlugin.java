package io.k8j.kubelet.runtime.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.kubelet.network.CniNetworkConfig;
import io.k8j.kubelet.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Calls the node's CNI bridge plugin directly (the CNI protocol: the command in the environment,
 * the network configuration on stdin, the result on stdout), for the process runtime's network
 * namespaces.
 */
final class CniPlugin {
  private final CniNetworkConfig net;

  CniPlugin(CniNetworkConfig net) {
    this.net = net;
  }

  /** Adds the namespace to the network; returns its address (without the prefix length). */
  String add(String containerId, String netnsPath) throws IOException {
    JsonNode result = call("ADD", containerId, netnsPath);
    for (JsonNode ip : result.path("ips")) {
      String a = ip.path("address").asText("");
      if (!a.isEmpty()) {
        return a.substring(0, a.indexOf('/'));
      }
    }
    throw new IOException("CNI ADD returned no address: " + result);
  }

  void del(String containerId, String netnsPath) throws IOException {
    call("DEL", containerId, netnsPath);
  }

  private JsonNode call(String command, String containerId, String netnsPath) throws IOException {
    JsonNode list = Json.MAPPER.readTree(net.conflist());
    ObjectNode conf = (ObjectNode) list.path("plugins").get(0).deepCopy();
    conf.put("cniVersion", list.path("cniVersion").asText());
    conf.put("name", list.path("name").asText());
    ProcessBuilder pb =
        new ProcessBuilder(net.binDir().resolve(conf.path("type").asText()).toString());
    Map<String, String> env = pb.environment();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", containerId);
    env.put("CNI_NETNS", netnsPath);
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_PATH", net.binDir().toString());
    Process p = pb.start();
    p.getOutputStream().write(conf.toString().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("CNI " + command + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException("CNI " + command + " failed: " + out.strip() + " " + err.strip());
    }
    return out.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(out);
  }
}

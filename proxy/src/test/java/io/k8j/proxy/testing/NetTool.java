package io.k8j.proxy.testing;

import java.net.DatagramSocket;

/**
 * Run inside a network namespace by the kernel-mode tests ({@code ip netns exec NS java -cp ...}):
 * {@code udp-echo IP PORT NAME} serves until killed; {@code udp IP PORT TEXT} prints the reply.
 */
public final class NetTool {
  private NetTool() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "udp-echo" -> {
        try (DatagramSocket s = Backends.udpEcho(args[1], Integer.parseInt(args[2]), args[3])) {
          System.out.println("ready");
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
        }
      }
      case "udp" -> {
        String reply = Backends.udp(args[1], Integer.parseInt(args[2]), args[3]);
        System.out.print(reply == null ? "" : reply);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}

package io.k8j.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** This machine's name as a node name: the host name, lower case, as the kubelet uses it. */
final class HostNames {
  private HostNames() {}

  static String localName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}

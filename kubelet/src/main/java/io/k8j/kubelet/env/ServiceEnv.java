package io.k8j.kubelet.env;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Docker-link style variables upstream sets for Services ({@code REDIS_SERVICE_HOST}, {@code
 * REDIS_PORT_6379_TCP_ADDR}, ...): those of the pod's namespace when {@code enableServiceLinks},
 * and always the {@code kubernetes} service of {@code default}.
 */
public final class ServiceEnv {
  private ServiceEnv() {}

  public static Map<String, String> forPod(
      String namespace, boolean enableServiceLinks, List<Service> services) {
    Map<String, Service> byName = new LinkedHashMap<>();
    for (Service s : services) {
      if (!ipSet(s)) {
        continue;
      }
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      if (ns.equals("default") && name.equals("kubernetes")) {
        byName.putIfAbsent(name, s);
      } else if (ns.equals(namespace) && enableServiceLinks) {
        byName.put(name, s);
      }
    }
    List<Service> sorted = new ArrayList<>(byName.values());
    sorted.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    Map<String, String> env = new LinkedHashMap<>();
    for (Service s : sorted) {
      String prefix = varName(s.getMetadata().getName());
      String ip = s.getSpec().getClusterIP();
      List<ServicePort> ports = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
      env.put(prefix + "_SERVICE_HOST", ip);
      if (!ports.isEmpty()) {
        env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
      }
      for (ServicePort p : ports) {
        if (p.getName() != null && !p.getName().isEmpty()) {
          env.put(prefix + "_SERVICE_PORT_" + varName(p.getName()), Integer.toString(p.getPort()));
        }
      }
      for (int i = 0; i < ports.size(); i++) {
        ServicePort p = ports.get(i);
        String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        String url = proto.toLowerCase(Locale.ROOT) + "://" + host + ":" + p.getPort();
        if (i == 0) {
          env.put(prefix + "_PORT", url);
        }
        String portPrefix = prefix + "_PORT_" + p.getPort() + "_" + proto.toUpperCase(Locale.ROOT);
        env.put(portPrefix, url);
        env.put(portPrefix + "_PROTO", proto.toLowerCase(Locale.ROOT));
        env.put(portPrefix + "_PORT", Integer.toString(p.getPort()));
        env.put(portPrefix + "_ADDR", ip);
      }
    }
    return env;
  }

  static boolean ipSet(Service s) {
    String ip = s.getSpec() == null ? null : s.getSpec().getClusterIP();
    return ip != null && !ip.isEmpty() && !ip.equals("None");
  }

  static String varName(String s) {
    return s.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}

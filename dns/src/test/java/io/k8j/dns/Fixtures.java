package io.k8j.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/** Services and EndpointSlices as tests write them, unit tests and ITs alike. */
public final class Fixtures {
  private Fixtures() {}

  public static ServicePort port(String name, String protocol, int port) {
    return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
  }

  public static Service clusterIp(String ns, String name, List<String> ips, ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP(ips.get(0))
        .withClusterIPs(ips)
        .withPorts(ports)
        .withSelector(java.util.Map.of("app", name))
        .endSpec()
        .build();
  }

  public static Service headless(String ns, String name, ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPorts(ports)
        .withSelector(java.util.Map.of("app", name))
        .endSpec()
        .build();
  }

  public static Service externalName(String ns, String name, String target) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withType("ExternalName")
        .withExternalName(target)
        .endSpec()
        .build();
  }

  public static EndpointPort slicePort(String name, String protocol, int port) {
    return new EndpointPortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
  }

  /** A ready endpoint; {@code hostname} may be null. */
  public static Endpoint endpoint(String ip, String hostname, Boolean ready) {
    EndpointBuilder b = new EndpointBuilder().withAddresses(ip).withHostname(hostname);
    if (ready != null) {
      b.withNewConditions().withReady(ready).endConditions();
    }
    return b.build();
  }

  public static EndpointSlice slice(
      String ns,
      String name,
      String service,
      String addressType,
      List<EndpointPort> ports,
      Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(java.util.Map.of("kubernetes.io/service-name", service))
        .endMetadata()
        .withAddressType(addressType)
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
  }
}

package io.k8j.kubelet.env;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Optional;

/** The API objects pods refer to: config maps and secrets by name, services by namespace. */
public interface ObjectSource {
  Optional<ConfigMap> configMap(String namespace, String name);

  Optional<Secret> secret(String namespace, String name);

  /** The services of {@code namespace}, and those of {@code default} (for the master service). */
  List<Service> services(String namespace);
}

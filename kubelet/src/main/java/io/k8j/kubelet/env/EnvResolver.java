package io.k8j.kubelet.env;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.k8j.cri.v1.KeyValue;
import io.k8j.kubelet.kuberuntime.ContainerStartException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A container's environment, as upstream's {@code makeEnvironmentVariables}: envFrom first, then
 * env (overriding, with {@code $(VAR)} expanded against what is defined so far and the Service
 * variables), then the Service variables not already set. A missing object or key that is not
 * optional fails the start with {@code CreateContainerConfigError}.
 */
public final class EnvResolver {
  public static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";

  private final ObjectSource objects;
  private final Supplier<Map<String, Quantity>> allocatable;

  public EnvResolver(ObjectSource objects, Supplier<Map<String, Quantity>> allocatable) {
    this.objects = objects;
    this.allocatable = allocatable;
  }

  public List<KeyValue> resolve(Pod pod, Container c, List<String> podIps, String hostIp)
      throws ContainerStartException {
    String ns = pod.getMetadata().getNamespace();
    boolean links = !Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks());
    Map<String, String> serviceEnv = ServiceEnv.forPod(ns, links, objects.services(ns));
    Map<String, String> env = new LinkedHashMap<>();
    if (c.getEnvFrom() != null) {
      for (EnvFromSource from : c.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        if (from.getConfigMapRef() != null) {
          var ref = from.getConfigMapRef();
          Optional<ConfigMap> cm = objects.configMap(ns, ref.getName());
          if (cm.isEmpty()) {
            if (Boolean.TRUE.equals(ref.getOptional())) {
              continue;
            }
            throw configError("configmap \"" + ref.getName() + "\" not found");
          }
          if (cm.get().getData() != null) {
            cm.get().getData().forEach((k, v) -> env.put(prefix + k, v));
          }
        }
        if (from.getSecretRef() != null) {
          var ref = from.getSecretRef();
          Optional<Secret> s = objects.secret(ns, ref.getName());
          if (s.isEmpty()) {
            if (Boolean.TRUE.equals(ref.getOptional())) {
              continue;
            }
            throw configError("secret \"" + ref.getName() + "\" not found");
          }
          secretData(s.get()).forEach((k, v) -> env.put(prefix + k, v));
        }
      }
    }
    if (c.getEnv() != null) {
      for (EnvVar v : c.getEnv()) {
        String value = v.getValue();
        if (value != null && !value.isEmpty()) {
          value =
              Expansion.expand(
                  value, name -> env.containsKey(name) ? env.get(name) : serviceEnv.get(name));
        } else if (v.getValueFrom() != null) {
          value = fromSource(pod, c, v.getValueFrom(), podIps, hostIp);
          if (value == null) {
            continue;
          }
        } else {
          value = "";
        }
        env.put(v.getName(), value);
      }
    }
    serviceEnv.forEach(env::putIfAbsent);
    List<KeyValue> out = new ArrayList<>(env.size());
    env.forEach((k, v) -> out.add(KeyValue.newBuilder().setKey(k).setValue(v).build()));
    return out;
  }

  private String fromSource(
      Pod pod, Container c, EnvVarSource src, List<String> podIps, String hostIp)
      throws ContainerStartException {
    String ns = pod.getMetadata().getNamespace();
    if (src.getFieldRef() != null) {
      try {
        return FieldRefs.field(pod, src.getFieldRef().getFieldPath(), podIps, hostIp);
      } catch (IllegalArgumentException e) {
        throw configError(e.getMessage());
      }
    }
    if (src.getResourceFieldRef() != null) {
      try {
        return FieldRefs.resource(pod, c, src.getResourceFieldRef(), allocatable.get());
      } catch (IllegalArgumentException e) {
        throw configError(e.getMessage());
      }
    }
    if (src.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = src.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<ConfigMap> cm = objects.configMap(ns, ref.getName());
      if (cm.isEmpty()) {
        if (optional) {
          return null;
        }
        throw configError("configmap \"" + ref.getName() + "\" not found");
      }
      Map<String, String> data = cm.get().getData();
      if (data == null || !data.containsKey(ref.getKey())) {
        if (optional) {
          return null;
        }
        throw configError(
            "couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
      }
      return data.get(ref.getKey());
    }
    if (src.getSecretKeyRef() != null) {
      SecretKeySelector ref = src.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<Secret> s = objects.secret(ns, ref.getName());
      if (s.isEmpty()) {
        if (optional) {
          return null;
        }
        throw configError("secret \"" + ref.getName() + "\" not found");
      }
      Map<String, String> data = secretData(s.get());
      if (!data.containsKey(ref.getKey())) {
        if (optional) {
          return null;
        }
        throw configError(
            "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
      }
      return data.get(ref.getKey());
    }
    return "";
  }

  /** A secret's values, decoded ({@code data} is base64, {@code stringData} is plain). */
  public static Map<String, String> secretData(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      out.putAll(s.getStringData());
    }
    return out;
  }

  private static ContainerStartException configError(String message) {
    return new ContainerStartException(CREATE_CONTAINER_CONFIG_ERROR, message);
  }
}

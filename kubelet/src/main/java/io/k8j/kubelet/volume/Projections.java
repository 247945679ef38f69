package io.k8j.kubelet.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.k8j.kubelet.env.FieldRefs;
import io.k8j.kubelet.env.ObjectSource;
import io.k8j.kubelet.volume.AtomicWriter.FileProjection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The files of configMap, secret, downwardAPI and projected volumes. */
final class Projections {
  static final int DEFAULT_MODE = 0644;

  private final ObjectSource objects;
  private final TokenSource tokens;

  Projections(ObjectSource objects, TokenSource tokens) {
    this.objects = objects;
    this.tokens = tokens;
  }

  /** Empty when the config map is missing and optional. */
  Optional<Map<String, FileProjection>> configMap(Pod pod, ConfigMapVolumeSource src)
      throws VolumeError {
    int mode = src.getDefaultMode() == null ? DEFAULT_MODE : src.getDefaultMode();
    return configMap(pod, src.getName(), src.getItems(), src.getOptional(), mode);
  }

  private Optional<Map<String, FileProjection>> configMap(
      Pod pod, String name, List<KeyToPath> items, Boolean optional, int mode) throws VolumeError {
    Optional<ConfigMap> cm = objects.configMap(pod.getMetadata().getNamespace(), name);
    if (cm.isEmpty()) {
      if (Boolean.TRUE.equals(optional)) {
        return Optional.empty();
      }
      throw new VolumeError("configmap \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm.get().getData() != null) {
      cm.get().getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (cm.get().getBinaryData() != null) {
      cm.get().getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    return Optional.of(items(data, items, optional, mode, "configmap"));
  }

  Optional<Map<String, FileProjection>> secret(Pod pod, SecretVolumeSource src) throws VolumeError {
    int mode = src.getDefaultMode() == null ? DEFAULT_MODE : src.getDefaultMode();
    return secret(pod, src.getSecretName(), src.getItems(), src.getOptional(), mode);
  }

  private Optional<Map<String, FileProjection>> secret(
      Pod pod, String name, List<KeyToPath> items, Boolean optional, int mode) throws VolumeError {
    Optional<Secret> s = objects.secret(pod.getMetadata().getNamespace(), name);
    if (s.isEmpty()) {
      if (Boolean.TRUE.equals(optional)) {
        return Optional.empty();
      }
      throw new VolumeError("secret \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (s.get().getData() != null) {
      s.get().getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    if (s.get().getStringData() != null) {
      s.get().getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.of(items(data, items, optional, mode, "secret"));
  }

  private static Map<String, FileProjection> items(
      Map<String, byte[]> data, List<KeyToPath> items, Boolean optional, int mode, String kind)
      throws VolumeError {
    Map<String, FileProjection> out = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach((k, v) -> out.put(k, new FileProjection(v, mode)));
      return out;
    }
    for (KeyToPath item : items) {
      byte[] v = data.get(item.getKey());
      if (v == null) {
        if (Boolean.TRUE.equals(optional)) {
          continue;
        }
        throw new VolumeError(kind + " references non-existent config key: " + item.getKey());
      }
      out.put(
          item.getPath(), new FileProjection(v, item.getMode() == null ? mode : item.getMode()));
    }
    return out;
  }

  Map<String, FileProjection> downwardApi(
      Pod pod,
      List<DownwardAPIVolumeFile> items,
      int mode,
      List<String> podIps,
      String hostIp,
      Map<String, Quantity> allocatable)
      throws VolumeError {
    Map<String, FileProjection> out = new LinkedHashMap<>();
    if (items == null) {
      return out;
    }
    for (DownwardAPIVolumeFile f : items) {
      String value;
      try {
        if (f.getFieldRef() != null) {
          value = FieldRefs.field(pod, f.getFieldRef().getFieldPath(), podIps, hostIp);
        } else if (f.getResourceFieldRef() != null) {
          value = FieldRefs.resource(pod, null, f.getResourceFieldRef(), allocatable);
        } else {
          continue;
        }
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new VolumeError("error getting value for " + f.getPath() + ": " + e.getMessage());
      }
      out.put(
          f.getPath(),
          new FileProjection(
              value.getBytes(StandardCharsets.UTF_8), f.getMode() == null ? mode : f.getMode()));
    }
    return out;
  }

  Map<String, FileProjection> projected(
      Pod pod,
      ProjectedVolumeSource src,
      List<String> podIps,
      String hostIp,
      Map<String, Quantity> allocatable)
      throws VolumeError {
    int mode = src.getDefaultMode() == null ? DEFAULT_MODE : src.getDefaultMode();
    Map<String, FileProjection> out = new LinkedHashMap<>();
    if (src.getSources() == null) {
      return out;
    }
    for (VolumeProjection p : src.getSources()) {
      if (p.getConfigMap() != null) {
        ConfigMapProjection c = p.getConfigMap();
        configMap(pod, c.getName(), c.getItems(), c.getOptional(), mode).ifPresent(out::putAll);
      }
      if (p.getSecret() != null) {
        SecretProjection s = p.getSecret();
        secret(pod, s.getName(), s.getItems(), s.getOptional(), mode).ifPresent(out::putAll);
      }
      if (p.getDownwardAPI() != null) {
        out.putAll(
            downwardApi(pod, p.getDownwardAPI().getItems(), mode, podIps, hostIp, allocatable));
      }
      if (p.getServiceAccountToken() != null) {
        ServiceAccountTokenProjection t = p.getServiceAccountToken();
        long exp = t.getExpirationSeconds() == null ? 3600 : t.getExpirationSeconds();
        try {
          String token = tokens.token(pod, t.getAudience(), exp);
          out.put(t.getPath(), new FileProjection(token.getBytes(StandardCharsets.UTF_8), mode));
        } catch (Exception e) {
          throw new VolumeError(
              "failed to fetch token: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
      }
    }
    return out;
  }

  /** Why a projection could not be made. */
  static final class VolumeError extends Exception {
    VolumeError(String message) {
      super(message);
    }
  }
}

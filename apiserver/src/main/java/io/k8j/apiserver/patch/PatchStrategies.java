package io.k8j.apiserver.patch;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.k8j.apiserver.Json;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strategic-merge metadata of the built-in types: which lists merge, by which key, and which
 * structs retain only the keys a patch names. The tags are upstream's {@code patchMergeKey} and
 * {@code patchStrategy} struct tags (k8s.io/api v0.32), keyed by the Go struct name, which is the
 * fabric8 model class's simple name; field types come from the fabric8 model through Jackson.
 */
public final class PatchStrategies {
  /**
   * How one field merges.
   *
   * @param type the field's model type, null when the field is unknown (free-form)
   * @param mergeKey the key that identifies a list's elements, null for primitive lists
   * @param merge whether a list merges instead of being replaced
   * @param retainKeys whether fields the patch leaves out are cleared
   */
  public record Field(JavaType type, String mergeKey, boolean merge, boolean retainKeys) {
    static final Field UNKNOWN = new Field(null, null, false, false);

    /** The element type of a list or the value type of a map; null when unknown. */
    JavaType element() {
      return type != null && type.isContainerType() ? type.getContentType() : null;
    }
  }

  private static final Map<String, String> TAGS =
      Map.ofEntries(
          Map.entry("ObjectMeta.finalizers", "|merge"),
          Map.entry("ObjectMeta.ownerReferences", "uid|merge"),
          Map.entry("PodSpec.volumes", "name|merge,retainKeys"),
          Map.entry("PodSpec.initContainers", "name|merge"),
          Map.entry("PodSpec.containers", "name|merge"),
          Map.entry("PodSpec.ephemeralContainers", "name|merge"),
          Map.entry("PodSpec.imagePullSecrets", "name|merge"),
          Map.entry("PodSpec.hostAliases", "ip|merge"),
          Map.entry("PodSpec.topologySpreadConstraints", "topologyKey|merge"),
          Map.entry("PodSpec.resourceClaims", "name|merge,retainKeys"),
          Map.entry("PodSpec.schedulingGates", "name|merge"),
          Map.entry("Container.ports", "containerPort|merge"),
          Map.entry("Container.env", "name|merge"),
          Map.entry("Container.volumeMounts", "mountPath|merge"),
          Map.entry("Container.volumeDevices", "devicePath|merge"),
          Map.entry("EphemeralContainer.ports", "containerPort|merge"),
          Map.entry("EphemeralContainer.env", "name|merge"),
          Map.entry("EphemeralContainer.volumeMounts", "mountPath|merge"),
          Map.entry("EphemeralContainer.volumeDevices", "devicePath|merge"),
          Map.entry("PodStatus.conditions", "type|merge"),
          Map.entry("PodStatus.podIPs", "ip|merge"),
          Map.entry("PodStatus.hostIPs", "ip|merge"),
          Map.entry("NodeStatus.conditions", "type|merge"),
          Map.entry("NodeStatus.addresses", "type|merge"),
          Map.entry("NodeSpec.podCIDRs", "|merge"),
          Map.entry("NamespaceStatus.conditions", "type|merge"),
          Map.entry("ServiceSpec.ports", "port|merge"),
          Map.entry("ServiceStatus.conditions", "type|merge"),
          Map.entry("PersistentVolumeClaimStatus.conditions", "type|merge"),
          Map.entry("ReplicationControllerStatus.conditions", "type|merge"),
          Map.entry("ComponentStatus.conditions", "type|merge"),
          Map.entry("DeploymentSpec.strategy", "|retainKeys"),
          Map.entry("DeploymentStatus.conditions", "type|merge"),
          Map.entry("ReplicaSetStatus.conditions", "type|merge"),
          Map.entry("StatefulSetStatus.conditions", "type|merge"),
          Map.entry("DaemonSetStatus.conditions", "type|merge"),
          Map.entry("JobStatus.conditions", "type|merge"),
          Map.entry("HorizontalPodAutoscalerStatus.conditions", "type|merge"),
          Map.entry("CustomResourceDefinitionStatus.conditions", "type|merge"),
          Map.entry("APIServiceStatus.conditions", "type|merge"));

  private static final Map<Class<?>, Map<String, Field>> FIELDS = new ConcurrentHashMap<>();

  private PatchStrategies() {}

  /** How {@code name} of an object of {@code type} merges; unknown types and fields replace. */
  public static Field field(JavaType type, String name) {
    if (type == null) {
      return Field.UNKNOWN;
    }
    if (type.isMapLikeType()) {
      return new Field(type.getContentType(), null, false, false);
    }
    if (type.isContainerType() || isLeaf(type)) {
      return Field.UNKNOWN;
    }
    return FIELDS
        .computeIfAbsent(type.getRawClass(), c -> fieldsOf(type))
        .getOrDefault(name, Field.UNKNOWN);
  }

  private static Map<String, Field> fieldsOf(JavaType type) {
    BeanDescription desc = Json.MAPPER.getDeserializationConfig().introspect(type);
    Map<String, Field> out = new LinkedHashMap<>();
    String struct = type.getRawClass().getSimpleName();
    for (BeanPropertyDefinition p : desc.findProperties()) {
      if (!(p.hasSetter() || p.hasField() || p.hasConstructorParameter())) {
        continue;
      }
      String tag = TAGS.getOrDefault(struct + "." + p.getName(), "|");
      String key = tag.substring(0, tag.indexOf('|'));
      String strategy = tag.substring(tag.indexOf('|') + 1);
      JavaType t = p.getPrimaryType();
      out.put(
          p.getName(),
          new Field(
              isLeaf(t) ? null : t,
              key.isEmpty() ? null : key,
              strategy.contains("merge"),
              strategy.contains("retainKeys")));
    }
    return out;
  }

  private static boolean isLeaf(JavaType t) {
    Class<?> c = t.getRawClass();
    return c.isPrimitive()
        || c == Object.class
        || c == String.class
        || c.isEnum()
        || Number.class.isAssignableFrom(c)
        || c == Boolean.class
        || c.isInterface()
            && !Collection.class.isAssignableFrom(c)
            && !Map.class.isAssignableFrom(c);
  }
}

package io.k8j.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.k8j.client.DeepCopy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pod-template-hash} label, as upstream's {@code controller.ComputeHash}: FNV-32a of the
 * template (here its canonical JSON, keys sorted) and the collision count, spelled in the safe
 * alphabet of {@code rand.SafeEncodeString}.
 */
public final class PodTemplateHash {
  public static final String LABEL = "pod-template-hash";
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private PodTemplateHash() {}

  public static String compute(PodTemplateSpec template, Integer collisionCount) {
    int hash = 0x811c9dc5;
    for (byte b : canonical(tree(template)).getBytes(StandardCharsets.UTF_8)) {
      hash = fnv(hash, b);
    }
    if (collisionCount != null) {
      int c = collisionCount;
      for (int i = 0; i < 4; i++) {
        hash = fnv(hash, (byte) (c >>> (8 * i)));
      }
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder out = new StringBuilder();
    for (char ch : decimal.toCharArray()) {
      out.append(ALPHANUMS.charAt(ch % ALPHANUMS.length()));
    }
    return out.toString();
  }

  private static int fnv(int hash, byte b) {
    return (hash ^ (b & 0xff)) * 0x01000193;
  }

  /** Whether two templates are equal once the hash label is taken out of both. */
  public static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
    return withoutHash(tree(a)).equals(withoutHash(tree(b)));
  }

  /** The template with the hash label added. */
  public static PodTemplateSpec withHashLabel(PodTemplateSpec template, String hash) {
    PodTemplateSpec t = DeepCopy.of(template);
    Map<String, String> labels =
        t.getMetadata().getLabels() == null
            ? new HashMap<>()
            : new HashMap<>(t.getMetadata().getLabels());
    labels.put(LABEL, hash);
    t.getMetadata().setLabels(labels);
    return t;
  }

  private static ObjectNode tree(PodTemplateSpec t) {
    return DeepCopy.serialization().convertValue(t, ObjectNode.class);
  }

  private static JsonNode withoutHash(ObjectNode t) {
    ObjectNode c = t.deepCopy();
    JsonNode labels = c.path("metadata").path("labels");
    if (labels instanceof ObjectNode l) {
      l.remove(LABEL);
      if (l.isEmpty()) {
        ((ObjectNode) c.get("metadata")).remove("labels");
      }
    }
    JsonNode meta = c.path("metadata");
    if (meta instanceof ObjectNode m && m.isEmpty()) {
      c.remove("metadata");
    }
    return c;
  }

  private static String canonical(JsonNode n) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      StringBuilder b = new StringBuilder("{");
      for (String name : names) {
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(DeepCopy.serialization().asJson(name)).append(':').append(canonical(n.get(name)));
      }
      return b.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (JsonNode e : n) {
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(canonical(e));
      }
      return b.append(']').toString();
    }
    return n.toString();
  }
}

package io.k8j.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A resource and its weight in a scoring strategy ({@code resources: [{name, weight}]}). */
record ResourceSpec(String name, long weight) {
  static final List<ResourceSpec> DEFAULT =
      List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1));

  static List<ResourceSpec> parse(JsonNode n, String path) {
    if (n == null || n.isMissingNode() || n.isNull() || n.isEmpty()) {
      return DEFAULT;
    }
    List<ResourceSpec> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String name = n.get(i).path("name").asText("");
      long w = n.get(i).path("weight").asLong(1);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(path + "[" + i + "].name: Required value");
      }
      if (w <= 0 || w > 100) {
        throw new IllegalArgumentException(
            path
                + "["
                + i
                + "].weight: Invalid value: "
                + w
                + ": resource weight of "
                + name
                + " should be in range [1, 100]");
      }
      out.add(new ResourceSpec(name, w));
    }
    return List.copyOf(out);
  }
}

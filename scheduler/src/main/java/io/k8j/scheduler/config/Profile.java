package io.k8j.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One scheduling profile: the pods whose {@code spec.schedulerName} is {@code schedulerName} are
 * scheduled with these plugins and plugin args. {@code plugins} is already merged with the
 * defaults.
 *
 * @param percentageOfNodesToScore null to use the configuration's
 */
public record Profile(
    String schedulerName,
    Integer percentageOfNodesToScore,
    Plugins plugins,
    Map<String, JsonNode> pluginConfig) {
  public Profile {
    pluginConfig = Map.copyOf(pluginConfig);
  }
}

package io.k8j.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Makes a plugin for one profile. {@code args} is the plugin's {@code pluginConfig.args} from the
 * configuration (an empty object when none), which the factory reads with defaults as upstream.
 */
@FunctionalInterface
public interface PluginFactory {
  /**
   * @throws IllegalArgumentException when the args are invalid
   */
  Plugin create(JsonNode args, Handle handle);
}

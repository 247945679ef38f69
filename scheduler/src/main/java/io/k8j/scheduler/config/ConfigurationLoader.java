package io.k8j.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a KubeSchedulerConfiguration ({@code apiVersion: kubescheduler.config.k8s.io/v1}) from YAML
 * or JSON, strictly as upstream (unknown fields are errors), applies upstream's defaults and merges
 * each profile's plugins with the default plugins as upstream's {@code mergePlugins} does.
 */
public final class ConfigurationLoader {
  public static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
  public static final String KIND = "KubeSchedulerConfiguration";
  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_FIELDS =
      Set.of(
          "apiVersion",
          "kind",
          "parallelism",
          "leaderElection",
          "clientConnection",
          "healthzBindAddress",
          "metricsBindAddress",
          "enableProfiling",
          "enableContentionProfiling",
          "percentageOfNodesToScore",
          "podInitialBackoffSeconds",
          "podMaxBackoffSeconds",
          "profiles",
          "extenders",
          "delayCacheUntilActive");
  private static final Set<String> PROFILE_FIELDS =
      Set.of("schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig");

  private ConfigurationLoader() {}

  public static SchedulerConfiguration defaults() {
    return parse(JsonNodeFactory.instance.objectNode().put("apiVersion", API_VERSION));
  }

  public static SchedulerConfiguration load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("reading scheduler configuration " + file, e);
    }
  }

  /**
   * @throws IllegalArgumentException when the configuration is invalid, with upstream's field path
   */
  public static SchedulerConfiguration parse(String yaml) {
    try {
      JsonNode root = YAML.readTree(yaml);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("scheduler configuration: not an object");
      }
      return parse(root);
    } catch (IOException e) {
      throw new IllegalArgumentException("scheduler configuration: " + e.getMessage(), e);
    }
  }

  static SchedulerConfiguration parse(JsonNode root) {
    String apiVersion = root.path("apiVersion").asText("");
    if (!API_VERSION.equals(apiVersion)) {
      throw new IllegalArgumentException(
          "scheduler configuration: apiVersion must be "
              + API_VERSION
              + ", got \""
              + apiVersion
              + "\"");
    }
    if (root.has("kind") && !KIND.equals(root.get("kind").asText())) {
      throw new IllegalArgumentException("scheduler configuration: kind must be " + KIND);
    }
    strict(root, TOP_FIELDS, "");
    int parallelism = root.path("parallelism").asInt(16);
    if (parallelism <= 0) {
      throw new IllegalArgumentException(
          "parallelism: Invalid value: "
              + parallelism
              + ": should be an integer value greater than zero");
    }
    int pct = percentage(root.path("percentageOfNodesToScore"), "percentageOfNodesToScore");
    long initial = root.path("podInitialBackoffSeconds").asLong(1);
    long max = root.path("podMaxBackoffSeconds").asLong(10);
    if (initial <= 0) {
      throw new IllegalArgumentException(
          "podInitialBackoffSeconds: Invalid value: " + initial + ": must be greater than 0");
    }
    if (max < initial) {
      throw new IllegalArgumentException(
          "podMaxBackoffSeconds: Invalid value: "
              + max
              + ": must be greater than or equal to PodInitialBackoffSeconds");
    }
    LeaderElection le = leaderElection(root.path("leaderElection"));
    List<Profile> profiles = new ArrayList<>();
    JsonNode ps = root.path("profiles");
    if (ps.isMissingNode() || ps.isNull() || ps.isEmpty()) {
      profiles.add(profile(JsonNodeFactory.instance.objectNode(), "profiles[0]"));
    } else {
      for (int i = 0; i < ps.size(); i++) {
        profiles.add(profile(ps.get(i), "profiles[" + i + "]"));
      }
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < profiles.size(); i++) {
      if (!names.add(profiles.get(i).schedulerName())) {
        throw new IllegalArgumentException(
            "profiles["
                + i
                + "].schedulerName: Duplicate value: \""
                + profiles.get(i).schedulerName()
                + "\"");
      }
    }
    return new SchedulerConfiguration(
        parallelism,
        pct,
        Duration.ofSeconds(initial),
        Duration.ofSeconds(max),
        Duration.ofMinutes(5),
        le,
        profiles);
  }

  private static int percentage(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    int v = n.asInt();
    if (v < 0 || v > 100) {
      throw new IllegalArgumentException(
          path + ": Invalid value: " + v + ": not in valid range [0-100]");
    }
    return v;
  }

  private static LeaderElection leaderElection(JsonNode n) {
    LeaderElection d = LeaderElection.DEFAULT;
    if (n.isMissingNode() || n.isNull()) {
      return d;
    }
    return new LeaderElection(
        n.path("leaderElect").asBoolean(d.leaderElect()),
        n.has("leaseDuration")
            ? GoDuration.parse(n.get("leaseDuration").asText())
            : d.leaseDuration(),
        n.has("renewDeadline")
            ? GoDuration.parse(n.get("renewDeadline").asText())
            : d.renewDeadline(),
        n.has("retryPeriod") ? GoDuration.parse(n.get("retryPeriod").asText()) : d.retryPeriod(),
        n.path("resourceName").asText(d.resourceName()),
        n.path("resourceNamespace").asText(d.resourceNamespace()));
  }

  private static Profile profile(JsonNode n, String path) {
    strict(n, PROFILE_FIELDS, path + ".");
    String name = n.path("schedulerName").asText(DEFAULT_SCHEDULER_NAME);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(path + ".schedulerName: Required value");
    }
    Integer pct =
        n.has("percentageOfNodesToScore") && !n.get("percentageOfNodesToScore").isNull()
            ? percentage(n.get("percentageOfNodesToScore"), path + ".percentageOfNodesToScore")
            : null;
    Plugins custom = plugins(n.path("plugins"), path + ".plugins");
    Plugins merged = merge(Plugins.of(DefaultPlugins.MULTI_POINT), custom);
    Map<String, JsonNode> args = new LinkedHashMap<>();
    JsonNode pc = n.path("pluginConfig");
    for (int i = 0; i < pc.size(); i++) {
      JsonNode c = pc.get(i);
      String pn = c.path("name").asText("");
      if (pn.isEmpty()) {
        throw new IllegalArgumentException(path + ".pluginConfig[" + i + "].name: Required value");
      }
      if (args.containsKey(pn)) {
        throw new IllegalArgumentException(
            path + ".pluginConfig[" + i + "]: Duplicate value: \"" + pn + "\"");
      }
      JsonNode a = c.path("args");
      args.put(pn, a.isObject() ? a : JsonNodeFactory.instance.objectNode());
    }
    return new Profile(name, pct, merged, args);
  }

  private static Plugins plugins(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) {
      return Plugins.of(PluginSet.EMPTY);
    }
    Set<String> known = new HashSet<>(Set.of("multiPoint", "postBind"));
    for (ExtensionPoint p : ExtensionPoint.values()) {
      known.add(p.yamlName());
    }
    strict(n, known, path + ".");
    Map<ExtensionPoint, PluginSet> points = new EnumMap<>(ExtensionPoint.class);
    for (ExtensionPoint p : ExtensionPoint.values()) {
      points.put(p, pluginSet(n.path(p.yamlName()), path + "." + p.yamlName()));
    }
    return new Plugins(pluginSet(n.path("multiPoint"), path + ".multiPoint"), points);
  }

  private static PluginSet pluginSet(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) {
      return PluginSet.EMPTY;
    }
    List<PluginRef> enabled = new ArrayList<>();
    JsonNode en = n.path("enabled");
    for (int i = 0; i < en.size(); i++) {
      String name = en.get(i).path("name").asText("");
      if (name.isEmpty()) {
        throw new IllegalArgumentException(path + ".enabled[" + i + "].name: Required value");
      }
      int w = en.get(i).path("weight").asInt(0);
      if (w < 0) {
        throw new IllegalArgumentException(
            path
                + ".enabled["
                + i
                + "].weight: Invalid value: "
                + w
                + ": must be a non-negative value");
      }
      enabled.add(new PluginRef(name, w));
    }
    List<String> disabled = new ArrayList<>();
    JsonNode dis = n.path("disabled");
    for (int i = 0; i < dis.size(); i++) {
      disabled.add(dis.get(i).path("name").asText(""));
    }
    return new PluginSet(enabled, disabled);
  }

  /** Upstream's {@code mergePlugins}: the defaults, with the custom sets applied point by point. */
  static Plugins merge(Plugins defaults, Plugins custom) {
    Map<ExtensionPoint, PluginSet> points = new EnumMap<>(ExtensionPoint.class);
    for (ExtensionPoint p : ExtensionPoint.values()) {
      points.put(p, mergeSet(defaults.at(p), custom.at(p)));
    }
    return new Plugins(mergeSet(defaults.multiPoint(), custom.multiPoint()), points);
  }

  static PluginSet mergeSet(PluginSet defaults, PluginSet custom) {
    Set<String> disabledNames = new HashSet<>();
    List<String> disabled = new ArrayList<>();
    for (String d : custom.disabled()) {
      disabled.add(d);
      disabledNames.add(d);
    }
    for (String d : defaults.disabled()) {
      disabled.add(d);
      disabledNames.add(d);
    }
    Map<String, Integer> customIndex = new HashMap<>();
    for (int i = 0; i < custom.enabled().size(); i++) {
      customIndex.putIfAbsent(custom.enabled().get(i).name(), i);
    }
    Set<Integer> replaced = new HashSet<>();
    List<PluginRef> enabled = new ArrayList<>();
    if (!disabledNames.contains("*")) {
      for (PluginRef d : defaults.enabled()) {
        if (disabledNames.contains(d.name())) {
          continue;
        }
        Integer ci = customIndex.get(d.name());
        if (ci != null) {
          enabled.add(custom.enabled().get(ci));
          replaced.add(ci);
        } else {
          enabled.add(d);
        }
      }
    }
    for (int i = 0; i < custom.enabled().size(); i++) {
      if (!replaced.contains(i)) {
        enabled.add(custom.enabled().get(i));
      }
    }
    return new PluginSet(enabled, disabled);
  }

  private static void strict(JsonNode n, Set<String> known, String prefix) {
    if (!n.isObject()) {
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException(
            "scheduler configuration: strict decoding error: unknown field \"" + prefix + f + "\"");
      }
    }
  }
}

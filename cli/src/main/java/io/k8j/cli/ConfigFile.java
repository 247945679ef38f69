package io.k8j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Flags from a YAML file, as k3s's {@code config.yaml}: each key is a flag's long name without its
 * dashes ({@code node-name: web-1}), a list stands for a repeated or comma-separated flag, and a
 * flag given on the command line wins over the file. {@code --config FILE} names the file; without
 * it {@code /etc/k8j/config.yaml} is read when it exists.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  static final Path DEFAULT = Path.of("/etc/k8j/config.yaml");

  /** The {@code --config} flag, mixed into the commands that read a config file. */
  static final class Option {
    @CommandLine.Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "Read flags from this YAML file, one key per flag without its dashes (e.g."
                + " node-name: web-1); flags on the command line win (default: "
                + "/etc/k8j/config.yaml when it exists).")
    Path config;
  }

  private final Path file;
  private final Map<String, String> values;

  private ConfigFile(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  /** Reads a config file; a missing or malformed one is a ParameterException naming it. */
  static ConfigFile load(CommandLine cmd, Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CommandLine.ParameterException(cmd, "config file " + file + ": no such file");
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          cmd, "config file " + file + ": " + firstLine(e.getMessage()));
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile(file, values);
    }
    if (!root.isObject()) {
      throw new CommandLine.ParameterException(
          cmd, "config file " + file + ": must be a mapping of flag names to values");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(i -> items.add(i.asText()));
        values.put(e.getKey(), String.join(",", items));
      } else if (v.isValueNode()) {
        values.put(e.getKey(), v.asText());
      } else {
        throw new CommandLine.ParameterException(
            cmd,
            "config file " + file + ": \"" + e.getKey() + "\" must be a value or a list of values");
      }
    }
    ConfigFile config = new ConfigFile(file, values);
    config.checkKeys(cmd);
    return config;
  }

  /**
   * Installs the config file for the command about to run, if it reads one: the file named by
   * {@code --config}, else the default file when it exists.
   */
  static void install(CommandLine cmd, String[] args) {
    if (cmd.getCommandSpec().findOption("--config") == null) {
      return;
    }
    Path file = named(args);
    if (file == null) {
      if (!Files.isRegularFile(DEFAULT)) {
        return;
      }
      file = DEFAULT;
    }
    cmd.setDefaultValueProvider(load(cmd, file));
  }

  private static Path named(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    return null;
  }

  private void checkKeys(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    for (String key : values.keySet()) {
      OptionSpec o = spec.findOption("--" + key);
      if (o == null || key.equals("config") || o.usageHelp() || o.versionHelp()) {
        throw new CommandLine.ParameterException(
            cmd,
            "config file "
                + file
                + ": unknown flag \""
                + key
                + "\" (`k8j "
                + spec.name()
                + " --help` lists the flags)");
      }
    }
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec o) {
      return values.get(o.longestName().replaceFirst("^-+", ""));
    }
    return null;
  }

  private static String firstLine(String s) {
    return s == null ? "unreadable" : s.lines().findFirst().orElse(s);
  }
}

package io.k8j.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k8j.apiserver.auth.Attributes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Upstream's {@code audit.k8s.io/v1 Policy}: the first rule matching a request's user, groups,
 * verb, resource (group, resources, resourceNames), namespace or non-resource URL gives its level;
 * no rule, level None. The policy's {@code omitStages} and the matching rule's together name the
 * stages not logged.
 */
public record AuditPolicy(List<Rule> rules, List<String> omitStages) {
  /** The audit levels, least to most. */
  public enum Level {
    None,
    Metadata,
    Request,
    RequestResponse
  }

  /** One rule; empty lists match everything. */
  public record Rule(
      Level level,
      List<String> users,
      List<String> userGroups,
      List<String> verbs,
      List<JsonNode> resources,
      List<String> namespaces,
      List<String> nonResourceURLs,
      List<String> omitStages) {

    boolean matches(Attributes a) {
      if (!users.isEmpty() && !users.contains(a.user().name())) {
        return false;
      }
      if (!userGroups.isEmpty() && a.user().groups().stream().noneMatch(userGroups::contains)) {
        return false;
      }
      if (!verbs.isEmpty() && !verbs.contains(a.verb())) {
        return false;
      }
      if (!a.resourceRequest()) {
        if (!resources.isEmpty() || !namespaces.isEmpty()) {
          return false;
        }
        return nonResourceURLs.isEmpty()
            || nonResourceURLs.stream().anyMatch(u -> urlMatches(u, a.path()));
      }
      if (!nonResourceURLs.isEmpty()) {
        return false;
      }
      if (!namespaces.isEmpty() && !namespaces.contains(a.namespace())) {
        return false;
      }
      return resources.isEmpty() || resources.stream().anyMatch(r -> resourceMatches(r, a));
    }

    private static boolean urlMatches(String pattern, String path) {
      return pattern.equals("*")
          || pattern.equals(path)
          || pattern.endsWith("*") && path.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    private static boolean resourceMatches(JsonNode r, Attributes a) {
      if (!r.path("group").asText("").equals(a.apiGroup())) {
        return false;
      }
      List<String> names = strings(r.path("resources"));
      String combined = a.combinedResource();
      boolean resourceOk =
          names.isEmpty()
              || names.contains(combined)
              || names.contains("*")
              || names.contains(a.resource() + "/*")
              || !a.subresource().isEmpty() && names.contains("*/" + a.subresource());
      List<String> resourceNames = strings(r.path("resourceNames"));
      return resourceOk && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
    }
  }

  /** Everything at Metadata: what a server audits when given no policy but a log path. */
  public static final AuditPolicy NONE = new AuditPolicy(List.of(), List.of());

  public static AuditPolicy read(Path file) throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    if (doc == null || !"Policy".equals(doc.path("kind").asText())) {
      throw new IllegalArgumentException(file + ": not an audit.k8s.io/v1 Policy");
    }
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : doc.path("rules")) {
      Level level;
      try {
        level = Level.valueOf(r.path("level").asText(""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file + ": rule level must be one of None, Metadata, Request, RequestResponse");
      }
      List<JsonNode> resources = new ArrayList<>();
      r.path("resources").forEach(resources::add);
      rules.add(
          new Rule(
              level,
              strings(r.path("users")),
              strings(r.path("userGroups")),
              strings(r.path("verbs")),
              resources,
              strings(r.path("namespaces")),
              strings(r.path("nonResourceURLs")),
              stages(file, r.path("omitStages"))));
    }
    return new AuditPolicy(List.copyOf(rules), stages(file, doc.path("omitStages")));
  }

  /** The stages of an event, in the order a request passes them. */
  public enum Stage {
    RequestReceived,
    ResponseStarted,
    ResponseComplete,
    Panic
  }

  /** What the policy says of one request: its level and the stages left out of the log. */
  public record Decision(Level level, Set<Stage> omitStages) {
    public boolean records(Stage stage) {
      return level != Level.None && !omitStages.contains(stage);
    }
  }

  /**
   * The level of a request by the first rule matching it (None when none does), and the stages the
   * rule and the policy omit.
   */
  public Decision decide(Attributes a) {
    for (Rule r : rules) {
      if (r.matches(a)) {
        Set<Stage> omit = EnumSet.noneOf(Stage.class);
        for (List<String> names : List.of(omitStages, r.omitStages())) {
          names.forEach(n -> omit.add(Stage.valueOf(n)));
        }
        return new Decision(r.level(), Set.copyOf(omit));
      }
    }
    return new Decision(Level.None, Set.of());
  }

  private static List<String> stages(Path file, JsonNode array) {
    List<String> names = strings(array);
    for (String n : names) {
      try {
        Stage.valueOf(n);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file
                + ": omitStages: Unsupported value: \""
                + n
                + "\": supported values: \"RequestReceived\", \"ResponseStarted\","
                + " \"ResponseComplete\", \"Panic\"");
      }
    }
    return names;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}

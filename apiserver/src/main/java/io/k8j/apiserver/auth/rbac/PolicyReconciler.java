package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.DeleteOptions;
import io.k8j.apiserver.registry.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's {@code reconcile} of the bootstrap policy at every start ({@code kubectl auth
 * reconcile} without removing extras): a default ClusterRole or ClusterRoleBinding that is absent
 * is created; one that exists gets the rules, aggregation selectors and subjects it lacks, and the
 * labels and annotations it lacks; a binding whose roleRef differs is recreated. Nothing is
 * removed, but for the component roles and bindings an earlier k8j wrote broader, which are
 * replaced while they are exactly as that k8j wrote them. An object annotated {@code
 * rbac.authorization.kubernetes.io/autoupdate: "false"} is the user's and is left as it is.
 */
final class PolicyReconciler {
  static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  private static final Logger LOG = LoggerFactory.getLogger(PolicyReconciler.class);

  private PolicyReconciler() {}

  /**
   * Creates {@code expected}, or adds to the stored role what it lacks of it.
   *
   * @param earlier rules an earlier k8j wrote for this role, or null: a role that still holds
   *     exactly those gets {@code expected}'s rules instead (k8j's component roles were narrowed)
   */
  static void role(ResourceStore store, ObjectNode expected, JsonNode earlier) {
    String name = expected.path("metadata").path("name").asText();
    if (create(store, expected)) {
      return;
    }
    List<String> changes = new ArrayList<>();
    store.update(
        "",
        name,
        null,
        current -> {
          changes.clear();
          if (protectedByUser(current)) {
            return current;
          }
          mergeMetadata(current, expected, changes);
          if (earlier != null && rules(current.path("rules")).equals(rules(earlier))) {
            current.set("rules", expected.path("rules").deepCopy());
            changes.add("the rules in place of those of an earlier k8j");
          }
          List<PolicyRule> held = rules(current.path("rules"));
          ArrayNode rules = current.withArray("rules");
          for (JsonNode rule : expected.path("rules")) {
            List<PolicyRule> missing = EscalationCheck.missing(held, List.of(PolicyRule.of(rule)));
            if (!missing.isEmpty()) {
              rules.add(rule.deepCopy());
              changes.add("rule " + PolicyRule.of(rule).compactString());
            }
          }
          JsonNode selectors = expected.path("aggregationRule").path("clusterRoleSelectors");
          if (!selectors.isEmpty()) {
            ArrayNode have =
                Json.child(current, "aggregationRule").withArray("clusterRoleSelectors");
            for (JsonNode s : selectors) {
              if (!contains(have, s)) {
                have.add(s.deepCopy());
                changes.add("aggregation selector " + s);
              }
            }
          }
          return current;
        },
        false);
    logged("clusterrole", name, changes);
  }

  /**
   * Creates {@code expected}, or adds to the stored binding the subjects it lacks.
   *
   * @param earlier subjects an earlier k8j bound, or null: a binding that still holds exactly those
   *     gets {@code expected}'s subjects instead
   */
  static void binding(ResourceStore store, ObjectNode expected, JsonNode earlier) {
    String name = expected.path("metadata").path("name").asText();
    if (create(store, expected)) {
      return;
    }
    ObjectNode current = store.get("", name);
    if (protectedByUser(current)) {
      return;
    }
    if (!current.path("roleRef").equals(expected.path("roleRef"))) {
      // as upstream: roleRef cannot change, the binding is recreated with the expected one
      store.delete("", name, DeleteOptions.DEFAULT);
      ObjectNode replacement = current.deepCopy();
      replacement.set("roleRef", expected.path("roleRef").deepCopy());
      Json.metadata(replacement).remove(List.of("resourceVersion", "uid", "creationTimestamp"));
      store.create("", replacement, false);
      LOG.info(
          "clusterrolebinding {}: recreated with roleRef {}",
          name,
          expected.path("roleRef").path("name").asText());
    }
    List<String> changes = new ArrayList<>();
    store.update(
        "",
        name,
        null,
        stored -> {
          changes.clear();
          if (protectedByUser(stored)) {
            return stored;
          }
          mergeMetadata(stored, expected, changes);
          if (earlier != null && stored.path("subjects").equals(earlier)) {
            stored.set("subjects", expected.path("subjects").deepCopy());
            changes.add("the subjects in place of those of an earlier k8j");
          }
          ArrayNode subjects = stored.withArray("subjects");
          for (JsonNode s : expected.path("subjects")) {
            if (!hasSubject(subjects, s)) {
              subjects.add(s.deepCopy());
              changes.add("subject " + s.path("kind").asText() + " " + s.path("name").asText());
            }
          }
          return stored;
        },
        false);
    logged("clusterrolebinding", name, changes);
  }

  private static boolean create(ResourceStore store, ObjectNode expected) {
    try {
      store.create("", expected.deepCopy(), false);
      return true;
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
      return false;
    }
  }

  private static boolean protectedByUser(JsonNode obj) {
    return obj.path("metadata").path("annotations").path(AUTOUPDATE).asText("").equals("false");
  }

  /** As upstream: the labels and annotations the stored object lacks; its own values win. */
  private static void mergeMetadata(ObjectNode current, ObjectNode expected, List<String> changes) {
    for (String field : List.of("labels", "annotations")) {
      JsonNode want = expected.path("metadata").path(field);
      if (want.isEmpty()) {
        continue;
      }
      ObjectNode have = Json.child(Json.metadata(current), field);
      for (Map.Entry<String, JsonNode> e : want.properties()) {
        if (!have.has(e.getKey())) {
          have.set(e.getKey(), e.getValue().deepCopy());
          changes.add(field + " " + e.getKey());
        }
      }
    }
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode v : array) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSubject(ArrayNode subjects, JsonNode s) {
    for (JsonNode have : subjects) {
      if (have.path("kind").equals(s.path("kind"))
          && have.path("name").equals(s.path("name"))
          && have.path("namespace").asText("").equals(s.path("namespace").asText(""))) {
        return true;
      }
    }
    return false;
  }

  private static List<PolicyRule> rules(JsonNode array) {
    List<PolicyRule> out = new ArrayList<>();
    array.forEach(r -> out.add(PolicyRule.of(r)));
    return out;
  }

  private static void logged(String kind, String name, List<String> changes) {
    if (!changes.isEmpty()) {
      LOG.info("{} {}: reconciled with the bootstrap policy: added {}", kind, name, changes);
    }
  }
}

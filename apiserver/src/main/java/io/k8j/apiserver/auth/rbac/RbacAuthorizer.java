package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.Authorizer;
import io.k8j.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Upstream's RBAC authorizer: a request is allowed when a rule of a role bound to the user (a
 * ClusterRoleBinding anywhere, a RoleBinding in the request's namespace) allows it. Members of
 * {@code system:masters} are always allowed. Aggregated ClusterRoles take the rules of every
 * ClusterRole their selectors match.
 */
public final class RbacAuthorizer implements Authorizer {
  private final RbacObjects objects;

  public RbacAuthorizer(RbacObjects objects) {
    this.objects = objects;
  }

  @Override
  public boolean allows(Attributes a) {
    if (a.user().groups().contains(UserInfo.MASTERS)) {
      return true;
    }
    for (PolicyRule rule : rulesFor(a.user(), a.namespace())) {
      if (rule.allows(a)) {
        return true;
      }
    }
    return false;
  }

  /** Every rule that applies to {@code user} in {@code namespace} ("" for cluster-wide only). */
  public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
    List<PolicyRule> rules = new ArrayList<>();
    for (JsonNode b : objects.clusterRoleBindings()) {
      if (bindsUser(b, user, "")) {
        rules.addAll(clusterRoleRules(b.path("roleRef").path("name").asText()));
      }
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (JsonNode b : objects.roleBindings(namespace)) {
        if (!bindsUser(b, user, namespace)) {
          continue;
        }
        JsonNode ref = b.path("roleRef");
        if (ref.path("kind").asText().equals("ClusterRole")) {
          rules.addAll(clusterRoleRules(ref.path("name").asText()));
        } else {
          JsonNode role = objects.role(namespace, ref.path("name").asText());
          if (role != null) {
            role.path("rules").forEach(r -> rules.add(PolicyRule.of(r)));
          }
        }
      }
    }
    return rules;
  }

  /** A Role as the caches hold it, or null. */
  public JsonNode role(String namespace, String name) {
    return objects.role(namespace, name);
  }

  /**
   * The rules of a ClusterRole, with those of the roles it aggregates, and theirs in turn (as the
   * aggregation controller folds view into edit and edit into admin).
   */
  public List<PolicyRule> clusterRoleRules(String name) {
    List<PolicyRule> rules = new ArrayList<>();
    collect(name, objects.clusterRoles(), new java.util.HashSet<>(), rules);
    return rules;
  }

  private static void collect(
      String name, List<? extends JsonNode> all, java.util.Set<String> seen, List<PolicyRule> out) {
    if (!seen.add(name)) {
      return;
    }
    for (JsonNode role : all) {
      if (!role.path("metadata").path("name").asText().equals(name)) {
        continue;
      }
      role.path("rules").forEach(r -> out.add(PolicyRule.of(r)));
      for (JsonNode selector : role.path("aggregationRule").path("clusterRoleSelectors")) {
        for (JsonNode other : all) {
          if (other != role && matchLabels(selector.path("matchLabels"), other)) {
            collect(other.path("metadata").path("name").asText(), all, seen, out);
          }
        }
      }
    }
  }

  private static boolean matchLabels(JsonNode matchLabels, JsonNode obj) {
    if (!matchLabels.isObject() || matchLabels.isEmpty()) {
      return false;
    }
    JsonNode labels = obj.path("metadata").path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  /** Whether a binding names the user, one of its groups, or its service account. */
  static boolean bindsUser(JsonNode binding, UserInfo user, String bindingNamespace) {
    for (JsonNode s : binding.path("subjects")) {
      String kind = s.path("kind").asText();
      String name = s.path("name").asText();
      switch (kind) {
        case "User" -> {
          if (name.equals(user.name())) {
            return true;
          }
        }
        case "Group" -> {
          if (user.groups().contains(name)) {
            return true;
          }
        }
        case "ServiceAccount" -> {
          String ns = s.path("namespace").asText(bindingNamespace);
          if (ns.isEmpty()) {
            ns = bindingNamespace;
          }
          if (user.name().equals("system:serviceaccount:" + ns + ":" + name)) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }
}

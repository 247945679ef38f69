package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.admission.AdmissionPlugin;
import io.k8j.apiserver.admission.AdmissionRequest;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.Authorizer;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Upstream's RBAC escalation prevention (the policy-based role and binding storage): a user may
 * write a Role or ClusterRole only with rules it holds itself, unless it has {@code escalate} on
 * it; and may bind a role only if it holds all of that role's rules, unless it has {@code bind} on
 * it. Setting a ClusterRole's aggregationRule needs every permission. Members of {@code
 * system:masters} may do anything.
 */
public final class EscalationCheck implements AdmissionPlugin {
  static final String GROUP = "rbac.authorization.k8s.io";
  private static final PolicyRule FULL_AUTHORITY =
      new PolicyRule(List.of("*"), List.of("*"), List.of("*"), List.of(), List.of());
  private static final PolicyRule FULL_NON_RESOURCE =
      new PolicyRule(List.of("*"), List.of(), List.of(), List.of(), List.of("*"));

  private final Authorizer authorizer;
  private final RbacAuthorizer rbac;

  public EscalationCheck(Authorizer authorizer, RbacAuthorizer rbac) {
    this.authorizer = authorizer;
    this.rbac = rbac;
  }

  @Override
  public String name() {
    return "RBACEscalation";
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (r.operation() == AdmissionRequest.Operation.DELETE
        || !r.subresource().isEmpty()
        || !r.def().group().equals(GROUP)
        || r.user().groups().contains(UserInfo.MASTERS)) {
      return;
    }
    switch (r.def().plural()) {
      case "roles", "clusterroles" -> checkRole(r);
      case "rolebindings", "clusterrolebindings" -> checkBinding(r);
      default -> {}
    }
  }

  private void checkRole(AdmissionRequest r) {
    if (r.oldObject() != null
        && Objects.equals(r.object().get("rules"), r.oldObject().get("rules"))
        && Objects.equals(
            r.object().get("aggregationRule"), r.oldObject().get("aggregationRule"))) {
      return;
    }
    if (authorizer.allows(
        Attributes.resource(
            r.user(), "escalate", GROUP, r.def().plural(), "", r.namespace(), r.name()))) {
      return;
    }
    List<PolicyRule> held = rbac.rulesFor(r.user(), r.namespace());
    JsonNode aggregation = r.object().path("aggregationRule");
    if (aggregation.isObject()
        && !missing(held, List.of(FULL_AUTHORITY, FULL_NON_RESOURCE)).isEmpty()) {
      throw ApiException.forbidden(
          r.def().groupResource(),
          r.name(),
          "must have cluster-admin privileges to use the aggregationRule",
          null);
    }
    List<PolicyRule> rules = new ArrayList<>();
    r.object().path("rules").forEach(n -> rules.add(PolicyRule.of(n)));
    confirmNoEscalation(r, held, rules);
  }

  private void checkBinding(AdmissionRequest r) {
    JsonNode ref = r.object().path("roleRef");
    String kind = ref.path("kind").asText("");
    String roleName = ref.path("name").asText("");
    if (r.oldObject() != null
        && Objects.equals(r.object().get("roleRef"), r.oldObject().get("roleRef"))
        && Objects.equals(r.object().get("subjects"), r.oldObject().get("subjects"))) {
      return;
    }
    String resource = kind.equals("Role") ? "roles" : "clusterroles";
    if (authorizer.allows(
        Attributes.resource(r.user(), "bind", GROUP, resource, "", r.namespace(), roleName))) {
      return;
    }
    List<PolicyRule> rules;
    if (kind.equals("Role")) {
      rules = new ArrayList<>();
      JsonNode role = rbac.role(r.namespace(), roleName);
      if (role == null) {
        throw ApiException.notFound(
            new io.k8j.apiserver.registry.GroupResource(GROUP, "roles"), roleName);
      }
      role.path("rules").forEach(n -> rules.add(PolicyRule.of(n)));
    } else {
      rules = rbac.clusterRoleRules(roleName);
    }
    confirmNoEscalation(r, rbac.rulesFor(r.user(), r.namespace()), rules);
  }

  private static void confirmNoEscalation(
      AdmissionRequest r, List<PolicyRule> held, List<PolicyRule> requested) {
    List<PolicyRule> missing = missing(held, requested);
    if (missing.isEmpty()) {
      return;
    }
    String groups =
        r.user().groups().stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(" "));
    String message =
        "user \"%s\" (groups=[%s]) is attempting to grant RBAC permissions not currently held:\n%s"
            .formatted(
                r.user().name(),
                groups,
                missing.stream().map(PolicyRule::compactString).collect(Collectors.joining("\n")));
    throw ApiException.forbidden(r.def().groupResource(), r.name(), message, null);
  }

  /** The requested rules, broken down to one verb on one thing each, that no held rule covers. */
  static List<PolicyRule> missing(List<PolicyRule> held, List<PolicyRule> requested) {
    List<PolicyRule> out = new ArrayList<>();
    for (PolicyRule want : requested) {
      for (PolicyRule atom : want.breakdown()) {
        if (held.stream().noneMatch(h -> h.covers(atom)) && !out.contains(atom)) {
          out.add(atom);
        }
      }
    }
    return out;
  }
}

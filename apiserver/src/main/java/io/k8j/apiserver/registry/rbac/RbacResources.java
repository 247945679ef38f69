package io.k8j.apiserver.registry.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.Names;
import java.util.ArrayList;
import java.util.List;

/** Roles, ClusterRoles, RoleBindings and ClusterRoleBindings; names may hold ':' as upstream's. */
public final class RbacResources {
  private static final String GROUP = "rbac.authorization.k8s.io";

  private RbacResources() {}

  public static List<ResourceDef> definitions() {
    return List.of(
        role("Role", "roles", true, Role.class),
        binding("RoleBinding", "rolebindings", true, RoleBinding.class),
        role("ClusterRole", "clusterroles", false, ClusterRole.class),
        binding("ClusterRoleBinding", "clusterrolebindings", false, ClusterRoleBinding.class));
  }

  private static Column createdAt() {
    return new Column(
        "Created At",
        "date",
        "",
        "Created At",
        0,
        o -> o.path("metadata").path("creationTimestamp").asText(""));
  }

  private static ResourceDef role(String kind, String plural, boolean namespaced, Class<?> model) {
    ResourceDef.Builder b =
        ResourceDef.builder(GROUP, "v1", kind, plural)
            .exactColumns(Column.nameColumn(), createdAt())
            .strategy(new RbacStrategy(false))
            .model(model);
    if (!namespaced) {
      b.clusterScoped();
    }
    return b.build();
  }

  private static ResourceDef binding(
      String kind, String plural, boolean namespaced, Class<?> model) {
    ResourceDef.Builder b =
        ResourceDef.builder(GROUP, "v1", kind, plural)
            .column(
                Column.string(
                    "Role",
                    o ->
                        o.path("roleRef").path("kind").asText("")
                            + "/"
                            + o.path("roleRef").path("name").asText("")))
            .column(Column.wide("Users", o -> subjects(o, "User")))
            .column(Column.wide("Groups", o -> subjects(o, "Group")))
            .column(Column.wide("ServiceAccounts", o -> subjects(o, "ServiceAccount")))
            .strategy(new RbacStrategy(true))
            .model(model);
    if (!namespaced) {
      b.clusterScoped();
    }
    return b.build();
  }

  private static String subjects(ObjectNode o, String kind) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : o.path("subjects")) {
      if (s.path("kind").asText().equals(kind)) {
        String ns = s.path("namespace").asText("");
        out.add(
            kind.equals("ServiceAccount")
                ? ns + "/" + s.path("name").asText()
                : s.path("name").asText());
      }
    }
    return String.join(", ", out);
  }

  /** Path-segment names, a required and immutable roleRef on bindings. */
  static final class RbacStrategy implements Strategy {
    private final boolean binding;

    RbacStrategy(boolean binding) {
      this.binding = binding;
    }

    @Override
    public Names.Rule nameRule() {
      return Names.Rule.PATH_SEGMENT;
    }

    @Override
    public boolean tracksGeneration() {
      return false;
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      if (binding) {
        JsonNode ref = obj.path("roleRef");
        List<String> kinds = List.of("Role", "ClusterRole");
        if (ref.path("name").asText("").isEmpty()) {
          errs.add(FieldError.required("roleRef.name", ""));
        }
        if (!kinds.contains(ref.path("kind").asText(""))) {
          errs.add(FieldError.notSupported("roleRef.kind", ref.path("kind").asText(""), kinds));
        }
        int i = 0;
        for (JsonNode s : obj.path("subjects")) {
          if (s.path("name").asText("").isEmpty()) {
            errs.add(FieldError.required("subjects[" + i + "].name", ""));
          }
          i++;
        }
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validate(obj));
      if (binding && !obj.path("roleRef").equals(old.path("roleRef"))) {
        errs.add(
            FieldError.invalid(
                "roleRef",
                new FieldError.Raw(obj.path("roleRef").toString()),
                "cannot change roleRef"));
      }
      return errs;
    }
  }
}

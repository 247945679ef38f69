package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Where the authorizer reads the RBAC objects from (the watch caches); each read is current. */
public interface RbacObjects {
  List<? extends JsonNode> clusterRoles();

  List<? extends JsonNode> clusterRoleBindings();

  List<? extends JsonNode> roleBindings(String namespace);

  /** A Role, or null. */
  JsonNode role(String namespace, String name);
}

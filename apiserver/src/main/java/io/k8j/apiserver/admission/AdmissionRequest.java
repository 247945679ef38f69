package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.registry.ResourceDef;

/**
 * What admission sees of one write, as upstream's {@code admission.Attributes}.
 *
 * @param operation CREATE, UPDATE or DELETE
 * @param def the resource written
 * @param subresource "" for the main resource, else {@code status}, {@code binding}, ...
 * @param object the new object (a plugin's {@code admit} may change it); the current one on DELETE
 * @param oldObject the object before an UPDATE or DELETE, else null
 */
public record AdmissionRequest(
    Operation operation,
    ResourceDef def,
    String subresource,
    String namespace,
    String name,
    ObjectNode object,
    ObjectNode oldObject,
    UserInfo user,
    boolean dryRun) {

  /** The operations admission is asked about. */
  public enum Operation {
    CREATE,
    UPDATE,
    DELETE
  }

  public AdmissionRequest {
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  /** Whether this is a write of {@code group}/{@code resource} itself (not a subresource). */
  public boolean isMain(String group, String resource) {
    return subresource.isEmpty() && def.group().equals(group) && def.plural().equals(resource);
  }

  public boolean is(String group, String resource) {
    return def.group().equals(group) && def.plural().equals(resource);
  }

  /** Adds a {@code Warning} header to the response, as kubectl prints them. */
  public void warn(String message) {
    RequestContext.warn(message);
  }
}

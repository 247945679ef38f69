package io.k8j.apiserver.registry;

/** A resource in a group, printed as upstream prints it in messages: {@code deployments.apps}. */
public record GroupResource(String group, String resource) {
  @Override
  public String toString() {
    return group.isEmpty() ? resource : resource + "." + group;
  }
}

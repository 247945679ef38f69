package io.k8j.apiserver;

import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.core.CoreResources;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import java.util.ArrayList;
import java.util.List;

/** Every resource the API server serves, group by group, in discovery order. */
public final class Resources {
  private Resources() {}

  public static List<ResourceDef> all(ServiceAllocator allocator) {
    List<ResourceDef> defs = new ArrayList<>(CoreResources.definitions(allocator));
    return defs;
  }
}

package io.k8j.apiserver;

import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.apps.AppsResources;
import io.k8j.apiserver.registry.authorization.ReviewResources;
import io.k8j.apiserver.registry.autoscaling.HorizontalPodAutoscalers;
import io.k8j.apiserver.registry.batch.BatchResources;
import io.k8j.apiserver.registry.certificates.CertificateSigningRequests;
import io.k8j.apiserver.registry.cluster.ClusterResources;
import io.k8j.apiserver.registry.core.CoreResources;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import io.k8j.apiserver.registry.rbac.RbacResources;
import io.k8j.apiserver.registry.scheduling.PriorityClasses;
import java.util.ArrayList;
import java.util.List;

/** Every resource the API server serves, group by group, in discovery order. */
public final class Resources {
  private Resources() {}

  public static List<ResourceDef> all(ServiceAllocator allocator) {
    List<ResourceDef> defs = new ArrayList<>(CoreResources.definitions(allocator));
    defs.addAll(AppsResources.definitions());
    defs.addAll(BatchResources.definitions());
    defs.addAll(HorizontalPodAutoscalers.definitions());
    defs.addAll(ClusterResources.definitions());
    defs.addAll(PriorityClasses.definitions());
    defs.addAll(RbacResources.definitions());
    defs.addAll(ReviewResources.definitions());
    defs.addAll(CertificateSigningRequests.definitions());
    return defs;
  }
}

package io.k8j.apiserver.registry.authorization;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.k8j.apiserver.registry.ResourceDef;
import java.util.List;

/**
 * SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview
 * (authorization.k8s.io/v1), TokenReview and SelfSubjectReview (authentication.k8s.io/v1): only
 * {@code create}, as upstream serves them.
 */
public final class ReviewResources {
  public static final String AUTHORIZATION = "authorization.k8s.io";
  public static final String AUTHENTICATION = "authentication.k8s.io";

  private ReviewResources() {}

  public static List<ResourceDef> definitions() {
    return List.of(
        review(AUTHENTICATION, "SelfSubjectReview", "selfsubjectreviews", SelfSubjectReview.class),
        review(AUTHENTICATION, "TokenReview", "tokenreviews", TokenReview.class),
        namespacedReview(
            "LocalSubjectAccessReview",
            "localsubjectaccessreviews",
            LocalSubjectAccessReview.class),
        review(
            AUTHORIZATION,
            "SelfSubjectAccessReview",
            "selfsubjectaccessreviews",
            SelfSubjectAccessReview.class),
        review(
            AUTHORIZATION,
            "SelfSubjectRulesReview",
            "selfsubjectrulesreviews",
            SelfSubjectRulesReview.class),
        review(
            AUTHORIZATION,
            "SubjectAccessReview",
            "subjectaccessreviews",
            SubjectAccessReview.class));
  }

  /** Whether {@code group}/{@code plural} is one of these resources. */
  public static boolean isReview(String group, String plural) {
    return (group.equals(AUTHORIZATION) || group.equals(AUTHENTICATION))
        && plural.endsWith("reviews");
  }

  private static ResourceDef review(String group, String kind, String plural, Class<?> model) {
    return ResourceDef.builder(group, "v1", kind, plural)
        .clusterScoped()
        .verbs("create")
        .model(model)
        .build();
  }

  private static ResourceDef namespacedReview(String kind, String plural, Class<?> model) {
    return ResourceDef.builder(AUTHORIZATION, "v1", kind, plural)
        .verbs("create")
        .model(model)
        .build();
  }
}

package io.k8j.kubelet.server;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * {@link KubeletAuth.Reviews} answered by the API server: {@code authentication.k8s.io/v1
 * TokenReview} and {@code authorization.k8s.io/v1 SubjectAccessReview}, created with the kubelet's
 * own credentials (the Node authorizer lets kubelets create both).
 */
public final class ApiServerReviews implements KubeletAuth.Reviews {
  private final KubernetesClient client;

  public ApiServerReviews(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public KubeletAuth.Caller tokenReview(String token) {
    TokenReview review =
        client
            .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
            .create();
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      return null;
    }
    UserInfo user = review.getStatus().getUser();
    if (user == null || user.getUsername() == null || user.getUsername().isEmpty()) {
      return null;
    }
    return new KubeletAuth.Caller(
        user.getUsername(), user.getGroups() == null ? List.of() : user.getGroups());
  }

  @Override
  public boolean subjectAccessReview(KubeletAuth.Caller caller, KubeletRequestAttributes a) {
    SubjectAccessReview review =
        client
            .authorization()
            .v1()
            .subjectAccessReview()
            .create(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(caller.name())
                    .withGroups(caller.groups())
                    .withNewResourceAttributes()
                    .withVerb(a.verb())
                    .withGroup("")
                    .withVersion("v1")
                    .withResource("nodes")
                    .withSubresource(a.subresource())
                    .withName(a.node())
                    .endResourceAttributes()
                    .endSpec()
                    .build());
    return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
  }
}

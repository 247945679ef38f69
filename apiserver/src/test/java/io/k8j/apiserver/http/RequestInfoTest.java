package io.k8j.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestInfoTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET|/api/v1/namespaces/ns/pods|false|list||v1|ns|pods||",
        "GET|/api/v1/namespaces/ns/pods|true|watch||v1|ns|pods||",
        "GET|/api/v1/namespaces/ns/pods/p|false|get||v1|ns|pods|p|",
        "PUT|/api/v1/namespaces/ns/pods/p/status|false|update||v1|ns|pods|p|status",
        "POST|/api/v1/namespaces/ns/pods/p/binding|false|create||v1|ns|pods|p|binding",
        "GET|/api/v1/pods|false|list||v1||pods||",
        "GET|/api/v1/namespaces|false|list||v1||namespaces||",
        "GET|/api/v1/namespaces/kube-system|false|get||v1|kube-system|namespaces|kube-system|",
        "PUT|/api/v1/namespaces/x/finalize|false|update||v1|x|namespaces|x|finalize",
        "DELETE|/apis/apps/v1/namespaces/ns/deployments|false|deletecollection|apps|v1|ns|deployments||",
        "PATCH|/apis/apps/v1/namespaces/ns/deployments/d/scale|false|patch|apps|v1|ns|deployments|d|scale",
        "GET|/api/v1/watch/namespaces/ns/pods|false|watch||v1|ns|pods||",
        "GET|/apis/rbac.authorization.k8s.io/v1/clusterroles/system:foo|false|get|rbac.authorization.k8s.io|v1||clusterroles|system:foo|",
      })
  void parsesLikeUpstream(
      String method,
      String path,
      boolean watch,
      String verb,
      String group,
      String version,
      String namespace,
      String resource,
      String name,
      String subresource) {
    RequestInfo info = RequestInfo.parse(method, path, watch);
    assertThat(info.resourceRequest()).isTrue();
    assertThat(info.verb()).isEqualTo(verb);
    assertThat(info.group()).isEqualTo(nullToEmpty(group));
    assertThat(info.version()).isEqualTo(version);
    assertThat(info.namespace()).isEqualTo(nullToEmpty(namespace));
    assertThat(info.resource()).isEqualTo(resource);
    assertThat(info.name()).isEqualTo(nullToEmpty(name));
    assertThat(info.subresource()).isEqualTo(nullToEmpty(subresource));
  }

  @ParameterizedTest
  @CsvSource({"/api", "/apis", "/api/v1", "/apis/apps", "/apis/apps/v1", "/version", "/healthz"})
  void discoveryAndOtherPathsAreNotResourceRequests(String path) {
    assertThat(RequestInfo.parse("GET", path, false).resourceRequest()).isFalse();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

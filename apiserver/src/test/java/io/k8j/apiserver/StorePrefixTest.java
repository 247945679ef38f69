package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.store.PrefixedStore;
import io.k8j.store.RangeRequest;
import io.k8j.store.Store;
import io.k8j.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --etcd-prefix}: the API server's objects live under the configured prefix of the store
 * instead of {@code /registry}, and the API works the same over it.
 */
class StorePrefixTest {
  @TempDir Path dir;

  @Test
  void objectsAreStoredUnderTheConfiguredPrefixAndServedAsUsual() throws Exception {
    try (EmbeddedStore raw = EmbeddedStore.open(dir.resolve("store"))) {
      Store prefixed = PrefixedStore.rewriting(raw, "/registry", "/cluster-b");
      ApiServer server =
          new ApiServer(
              prefixed, ApiServerOptions.defaults(dir).withBindAddress("127.0.0.1").withPort(0));
      server.start();
      try {
        ApiClient api = new ApiClient(dir.resolve("admin.kubeconfig"));
        var created =
            api.post("/api/v1/namespaces/default/configmaps", ApiServerTest.configMap("settings"));
        assertThat(created.code()).isEqualTo(201);

        var got = api.get("/api/v1/namespaces/default/configmaps/settings");
        assertThat(got.code()).isEqualTo(200);
        assertThat(got.json().path("data").path("k").asText()).isEqualTo("v");
        var list = api.get("/api/v1/namespaces/default/configmaps");
        assertThat(list.json().path("items").findValuesAsText("name")).contains("settings");

        assertThat(raw.get("/cluster-b/configmaps/default/settings")).isNotNull();
        assertThat(raw.range(RangeRequest.prefix("/registry/")).count()).isZero();
        assertThat(raw.range(RangeRequest.prefix("/cluster-b/namespaces/")).count())
            .as("the built-in namespaces")
            .isGreaterThanOrEqualTo(4);
      } finally {
        server.close();
      }
    }
  }
}

package io.k8j.client.impl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.k8j.client.DeepCopy;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests fabric8's DSL cannot make (a delete with preconditions, deletecollection), or makes at a
 * cost: its {@code withName(n).patch(...)} reads the object first (a GET per patch) and parses the
 * answer, which a kubelet writing a pod's status every few seconds needs neither of.
 */
public final class RawApi {
  /** The answer: its HTTP status and body. */
  public record Response(int code, String body) {}

  private final KubernetesClient client;

  public RawApi(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Sends the request ({@code path} from the server's root, e.g. {@code
   * /api/v1/namespaces/a/pods}); a status of 400 and above other than 404 is thrown as a {@link
   * KubernetesClientException} with the server's Status.
   */
  public Response send(String method, String path, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString().replaceAll("/+$", "");
    HttpRequest.Builder b = http.newHttpRequestBuilder().uri(base + path);
    if (body != null) {
      b = b.method(method, contentType, body);
    } else if (!method.equals("GET")) {
      throw new IllegalArgumentException(method + " needs a body");
    }
    b.header("Accept", "application/json");
    HttpResponse<String> r;
    try {
      r = http.sendAsync(b.build(), String.class).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted: " + method + " " + path, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException(method + " " + path + " failed: " + e.getMessage(), e);
    }
    if (r.code() >= 400 && r.code() != 404) {
      Status status;
      try {
        status = DeepCopy.serialization().unmarshal(r.body(), Status.class);
      } catch (RuntimeException e) {
        status = null;
      }
      if (status != null && status.getCode() != null) {
        throw new KubernetesClientException(status);
      }
      throw new KubernetesClientException(
          method + " " + path + ": " + r.code() + " " + r.body(), r.code(), null);
    }
    return new Response(r.code(), r.body());
  }
}

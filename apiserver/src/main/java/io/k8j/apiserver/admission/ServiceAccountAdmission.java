package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.ObjectLookup;
import io.k8j.apiserver.http.ApiException;
import java.security.SecureRandom;

/**
 * Upstream's ServiceAccount admission plugin, for pods being created: the pod runs as {@code
 * default} unless it names a service account; that account must exist (else the pod is forbidden
 * until it does); unless {@code automountServiceAccountToken} is false (on the pod, else on the
 * account) every container gets the projected {@code kube-api-access-<random>} volume (a bound
 * token that the kubelet renews, the cluster CA from {@code kube-root-ca.crt}, the namespace)
 * mounted read-only at {@value #MOUNT_PATH}; the account's image pull secrets are copied to a pod
 * that has none. Mirror pods may use no service account at all.
 */
public final class ServiceAccountAdmission implements AdmissionPlugin {
  public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME_PREFIX = "kube-api-access-";
  static final long TOKEN_EXPIRATION = 3607;
  private static final String MIRROR = "kubernetes.io/config.mirror";
  private static final String CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectLookup objects;

  public ServiceAccountAdmission(ObjectLookup objects) {
    this.objects = objects;
  }

  @Override
  public String name() {
    return "ServiceAccount";
  }

  @Override
  public void admit(AdmissionRequest request) {
    if (request.operation() != AdmissionRequest.Operation.CREATE || !request.isMain("", "pods")) {
      return;
    }
    ObjectNode pod = request.object();
    ObjectNode spec = Json.child(pod, "spec");
    if (pod.path("metadata").path("annotations").has(MIRROR)) {
      if (!spec.path("serviceAccountName").asText("").isEmpty()) {
        throw forbidden(request, "a mirror pod may not reference service accounts");
      }
      return;
    }
    String saName = spec.path("serviceAccountName").asText("");
    if (saName.isEmpty()) {
      saName = "default";
      spec.put("serviceAccountName", saName);
    }
    if (spec.path("serviceAccount").asText("").isEmpty()) {
      spec.put("serviceAccount", saName);
    }
    ObjectNode sa = objects.get("serviceaccounts", request.namespace(), saName);
    if (sa == null) {
      throw forbidden(
          request,
          "error looking up service account "
              + request.namespace()
              + "/"
              + saName
              + ": serviceaccount \""
              + saName
              + "\" not found");
    }
    if (automount(spec, sa) && !mountsTokenAlready(spec)) {
      mountToken(spec);
    }
    JsonNode pullSecrets = sa.path("imagePullSecrets");
    if (pullSecrets.isArray()
        && !pullSecrets.isEmpty()
        && spec.path("imagePullSecrets").isEmpty()) {
      spec.set("imagePullSecrets", pullSecrets.deepCopy());
    }
  }

  private static boolean automount(ObjectNode spec, ObjectNode sa) {
    JsonNode onPod = spec.get("automountServiceAccountToken");
    if (onPod != null && onPod.isBoolean()) {
      return onPod.asBoolean();
    }
    JsonNode onAccount = sa.get("automountServiceAccountToken");
    return onAccount == null || !onAccount.isBoolean() || onAccount.asBoolean();
  }

  private static boolean mountsTokenAlready(ObjectNode spec) {
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode m : c.path("volumeMounts")) {
          if (MOUNT_PATH.equals(m.path("mountPath").asText())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void mountToken(ObjectNode spec) {
    String name = VOLUME_PREFIX + random(5);
    ArrayNode volumes =
        spec.path("volumes").isArray() ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
    ObjectNode projected = volumes.addObject().put("name", name).putObject("projected");
    projected.put("defaultMode", 0644);
    ArrayNode sources = projected.putArray("sources");
    sources
        .addObject()
        .putObject("serviceAccountToken")
        .put("expirationSeconds", TOKEN_EXPIRATION)
        .put("path", "token");
    ObjectNode cm = sources.addObject().putObject("configMap").put("name", "kube-root-ca.crt");
    cm.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    sources
        .addObject()
        .putObject("downwardAPI")
        .putArray("items")
        .addObject()
        .put("path", "namespace")
        .putObject("fieldRef")
        .put("apiVersion", "v1")
        .put("fieldPath", "metadata.namespace");
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container) {
          ArrayNode mounts =
              container.path("volumeMounts").isArray()
                  ? (ArrayNode) container.get("volumeMounts")
                  : container.putArray("volumeMounts");
          mounts.addObject().put("name", name).put("readOnly", true).put("mountPath", MOUNT_PATH);
        }
      }
    }
  }

  private static ApiException forbidden(AdmissionRequest request, String why) {
    return ApiException.forbidden(request.def().groupResource(), request.name(), why, null);
  }

  private static String random(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(CHARS.charAt(RANDOM.nextInt(CHARS.length())));
    }
    return sb.toString();
  }
}

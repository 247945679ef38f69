package io.k8j.apiserver.registry.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.admission.RequestContext;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.Subresource;
import io.k8j.apiserver.registry.validation.FieldError;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * {@code certificates.k8s.io/v1} CertificateSigningRequests, cluster-scoped, with {@code status}
 * (where the signer puts the certificate) and {@code approval} (where an approver adds Approved or
 * Denied) subresources. The spec is immutable; the requester's identity ({@code spec.username},
 * {@code uid}, {@code groups}) is set by the server from the request that created it.
 */
public final class CertificateSigningRequests {
  static final Set<String> USAGES =
      Set.of(
          "signing",
          "digital signature",
          "content commitment",
          "key encipherment",
          "key agreement",
          "data encipherment",
          "cert sign",
          "crl sign",
          "encipher only",
          "decipher only",
          "any",
          "server auth",
          "client auth",
          "code signing",
          "email protection",
          "s/mime",
          "ipsec end system",
          "ipsec tunnel",
          "ipsec user",
          "timestamping",
          "ocsp signing",
          "microsoft sgc",
          "netscape sgc");

  private CertificateSigningRequests() {}

  public static List<ResourceDef> definitions() {
    return List.of(definition());
  }

  static ResourceDef definition() {
    return ResourceDef.builder(
            "certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests")
        .clusterScoped()
        .shortNames("csr")
        .withStatus()
        .subresource(
            new Subresource(
                "approval", null, null, "CertificateSigningRequest", Subresource.GET_UPDATE_PATCH))
        .ageColumn()
        .column(Column.string("SignerName", o -> o.path("spec").path("signerName").asText("")))
        .column(Column.string("Requestor", o -> o.path("spec").path("username").asText("")))
        .column(Column.string("RequestedDuration", CertificateSigningRequests::duration))
        .column(Column.string("Condition", CertificateSigningRequests::condition))
        .field("spec.signerName", o -> Json.text(o, "spec.signerName"))
        .strategy(new CsrStrategy())
        .model(CertificateSigningRequest.class)
        .build();
  }

  /**
   * Sets {@code spec.username}, {@code uid}, {@code groups} and {@code extra} to the user creating
   * the request, as upstream's CSR strategy does; whatever the client put there is overwritten.
   */
  static void stampRequester(ObjectNode csr, UserInfo user) {
    ObjectNode spec = Json.child(csr, "spec");
    spec.put("username", user.name());
    if (user.uid().isEmpty()) {
      spec.remove("uid");
    } else {
      spec.put("uid", user.uid());
    }
    ArrayNode groups = spec.putArray("groups");
    user.groups().forEach(groups::add);
    spec.remove("extra");
  }

  /** {@code Approved,Issued}, {@code Denied}, or {@code Pending} while there is no condition. */
  static String condition(ObjectNode csr) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : csr.path("status").path("conditions")) {
      if (!"False".equals(c.path("status").asText("True"))) {
        out.add(c.path("type").asText());
      }
    }
    if (!csr.path("status").path("certificate").asText("").isEmpty()) {
      out.add("Issued");
    }
    return out.isEmpty() ? "Pending" : String.join(",", out);
  }

  private static String duration(ObjectNode csr) {
    JsonNode s = csr.path("spec").path("expirationSeconds");
    if (!s.isNumber()) {
      return "<none>";
    }
    long secs = s.asLong();
    if (secs % 86400 == 0) {
      return secs / 86400 + "d";
    }
    if (secs % 3600 == 0) {
      return secs / 3600 + "h";
    }
    return secs % 60 == 0 ? secs / 60 + "m" : secs + "s";
  }

  /**
   * The {@code approval} subresource: only {@code status.conditions} of the body are taken; a
   * request cannot be both Approved and Denied.
   */
  public static ObjectNode approve(
      ResourceStore store, String name, ObjectNode body, boolean dryRun) {
    return store
        .update(
            "",
            name,
            "approval",
            cur -> {
              if (cur == null) {
                throw ApiException.notFound(store.def().groupResource(), name);
              }
              ObjectNode next = cur.deepCopy();
              ArrayNode conditions = Json.MAPPER.createArrayNode();
              String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
              for (JsonNode c : body.path("status").path("conditions")) {
                ObjectNode copy = c.deepCopy();
                if (!copy.has("status")) {
                  copy.put("status", "True");
                }
                if (!copy.has("lastUpdateTime")) {
                  copy.put("lastUpdateTime", now);
                }
                if (!copy.has("lastTransitionTime")) {
                  copy.put("lastTransitionTime", now);
                }
                conditions.add(copy);
              }
              List<FieldError> errs = validateConditions(conditions);
              if (!errs.isEmpty()) {
                throw ApiException.invalid(
                    "certificates.k8s.io", "CertificateSigningRequest", name, errs);
              }
              Json.child(next, "status").set("conditions", conditions);
              String rv = body.path("metadata").path("resourceVersion").asText("");
              if (!rv.isEmpty()) {
                Json.metadata(next).put("resourceVersion", rv);
              }
              return next;
            },
            dryRun)
        .object();
  }

  static List<FieldError> validateConditions(JsonNode conditions) {
    List<FieldError> errs = new ArrayList<>();
    boolean approved = false;
    boolean denied = false;
    int i = 0;
    for (JsonNode c : conditions) {
      String type = c.path("type").asText("");
      String field = "status.conditions[" + i++ + "].type";
      switch (type) {
        case "Approved" -> approved = true;
        case "Denied" -> denied = true;
        case "Failed" -> {}
        case "" -> errs.add(FieldError.required(field, ""));
        default -> {}
      }
    }
    if (approved && denied) {
      errs.add(
          FieldError.invalid(
              "status.conditions",
              "Approved",
              "Approved and Denied conditions are mutually exclusive"));
    }
    return errs;
  }

  /** The PKCS#10 request in {@code spec.request} (base64 of PEM), or null if it is not one. */
  public static PKCS10CertificationRequest request(JsonNode csr) {
    try {
      String pem =
          new String(
              Base64.getDecoder().decode(csr.path("spec").path("request").asText("")),
              StandardCharsets.US_ASCII);
      try (PEMParser p = new PEMParser(new StringReader(pem))) {
        return p.readObject() instanceof PKCS10CertificationRequest r ? r : null;
      }
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  static final class CsrStrategy implements Strategy {
    @Override
    public void prepareForCreate(ObjectNode obj) {
      obj.remove("status");
      stampRequester(obj, RequestContext.user());
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
      obj.set("spec", old.path("spec").deepCopy());
    }

    @Override
    public boolean tracksGeneration() {
      return false;
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = obj.path("spec");
      if (spec.path("request").asText("").isEmpty()) {
        errs.add(FieldError.required("spec.request", ""));
      } else if (request(obj) == null) {
        errs.add(
            FieldError.invalid(
                "spec.request",
                new FieldError.Raw("[]byte{...}"),
                "PEM block type must be CERTIFICATE REQUEST"));
      }
      String signer = spec.path("signerName").asText("");
      if (signer.isEmpty()) {
        errs.add(FieldError.required("spec.signerName", ""));
      } else if (!signer.matches("[a-z0-9.-]+/[A-Za-z0-9._-]+")) {
        errs.add(
            FieldError.invalid(
                "spec.signerName",
                signer,
                "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
      }
      JsonNode usages = spec.path("usages");
      if (!usages.isArray() || usages.isEmpty()) {
        errs.add(FieldError.required("spec.usages", ""));
      } else {
        int i = 0;
        for (JsonNode u : usages) {
          if (!USAGES.contains(u.asText())) {
            errs.add(
                new FieldError(
                    FieldError.Type.NOT_SUPPORTED,
                    "spec.usages[" + i + "]",
                    u.asText(),
                    "supported values: \"client auth\", \"digital signature\", \"key encipherment\","
                        + " \"server auth\", ..."));
          }
          i++;
        }
      }
      JsonNode exp = spec.path("expirationSeconds");
      if (exp.isNumber() && exp.asLong() < 600) {
        errs.add(
            FieldError.invalid(
                "spec.expirationSeconds",
                exp.asLong(),
                "may not specify a duration less than 600 seconds (10 minutes)"));
      }
      errs.addAll(validateConditions(obj.path("status").path("conditions")));
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      return validateConditions(obj.path("status").path("conditions"));
    }
  }
}

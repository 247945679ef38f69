package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.auth.Attributes;
import io.k8j.apiserver.auth.Authenticator;
import io.k8j.apiserver.auth.Authorizer;
import io.k8j.apiserver.auth.UserInfo;
import io.k8j.apiserver.auth.rbac.PolicyRule;
import io.k8j.apiserver.auth.rbac.RbacAuthorizer;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers the review resources, which are created and never stored: access reviews ask the
 * authorizer about a user (the caller, or one the spec names), the rules review lists the caller's
 * RBAC rules in a namespace, SelfSubjectReview echoes the caller, TokenReview authenticates a
 * token. The answer is the posted object with its {@code status} filled, 201 Created, as
 * upstream's.
 */
public final class ReviewHandler {
  private final Authorizer authorizer;
  private final RbacAuthorizer rbac;
  private final Authenticator authenticator;

  public ReviewHandler(Authorizer authorizer, RbacAuthorizer rbac, Authenticator authenticator) {
    this.authorizer = authorizer;
    this.rbac = rbac;
    this.authenticator = authenticator;
  }

  void handle(HttpExchange ex, RequestInfo info, Negotiation.Choice choice) {
    if (!info.verb().equals("create") || !info.name().isEmpty()) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    ObjectNode review = Bodies.object(ex.body(), ex.header("Content-Type"));
    String kind = kindOf(info.resource());
    review.put("kind", kind).put("apiVersion", info.group() + "/" + info.version());
    ObjectNode meta = Json.metadata(review);
    meta.putNull("creationTimestamp");
    ObjectNode spec = Json.child(review, "spec");
    ObjectNode status =
        switch (info.resource()) {
          case "selfsubjectaccessreviews" -> access(ex.user(), kind, spec, null);
          case "subjectaccessreviews" -> access(subject(kind, spec), kind, spec, null);
          case "localsubjectaccessreviews" -> {
            meta.put("namespace", info.namespace());
            yield access(subject(kind, spec), kind, spec, info.namespace());
          }
          case "selfsubjectrulesreviews" -> rules(ex.user(), spec);
          case "selfsubjectreviews" -> {
            review.remove("spec");
            yield Json.object().set("userInfo", userInfo(ex.user()));
          }
          case "tokenreviews" -> token(spec);
          default -> throw ApiException.notFoundPath();
        };
    review.set("status", status);
    Responses.document(ex, choice, 201, review);
  }

  private static String kindOf(String plural) {
    return switch (plural) {
      case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
      case "subjectaccessreviews" -> "SubjectAccessReview";
      case "localsubjectaccessreviews" -> "LocalSubjectAccessReview";
      case "selfsubjectrulesreviews" -> "SelfSubjectRulesReview";
      case "selfsubjectreviews" -> "SelfSubjectReview";
      default -> "TokenReview";
    };
  }

  /** The user a SubjectAccessReview asks about: {@code spec.user}, {@code spec.groups}. */
  private static UserInfo subject(String kind, ObjectNode spec) {
    String user = spec.path("user").asText("");
    List<String> groups = new ArrayList<>();
    spec.path("groups").forEach(g -> groups.add(g.asText()));
    if (user.isEmpty() && groups.isEmpty()) {
      throw ApiException.invalid(
          "authorization.k8s.io",
          kind,
          "",
          List.of(
              FieldError.invalid(
                  "spec.user", "", "at least one of user or group must be specified")));
    }
    return new UserInfo(user, spec.path("uid").asText(""), groups);
  }

  private ObjectNode access(UserInfo user, String kind, ObjectNode spec, String localNamespace) {
    JsonNode res = spec.get("resourceAttributes");
    JsonNode nonRes = spec.get("nonResourceAttributes");
    if ((res == null || res.isNull()) == (nonRes == null || nonRes.isNull())) {
      throw ApiException.invalid(
          "authorization.k8s.io",
          kind,
          "",
          List.of(
              FieldError.invalid(
                  "spec.resourceAttributes",
                  new FieldError.Raw("null"),
                  "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
    }
    Attributes a;
    if (res != null && !res.isNull()) {
      String ns = res.path("namespace").asText("");
      if (localNamespace != null && !localNamespace.equals(ns)) {
        throw ApiException.badRequest(
            "spec.resourceAttributes.namespace must match namespace: " + localNamespace);
      }
      a =
          Attributes.resource(
              user,
              res.path("verb").asText(""),
              res.path("group").asText(""),
              res.path("resource").asText(""),
              res.path("subresource").asText(""),
              ns,
              res.path("name").asText(""));
    } else {
      a =
          Attributes.nonResource(
              user, nonRes.path("verb").asText(""), nonRes.path("path").asText(""));
    }
    ObjectNode status = Json.object();
    boolean allowed = authorizer.allows(a);
    status.put("allowed", allowed);
    if (!allowed && !authorizer.denyReason(a).isEmpty()) {
      status.put("reason", authorizer.denyReason(a));
    }
    return status;
  }

  private ObjectNode rules(UserInfo user, ObjectNode spec) {
    ObjectNode status = Json.object();
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (PolicyRule r : rbac.rulesFor(user, spec.path("namespace").asText(""))) {
      if (!r.nonResourceURLs().isEmpty()) {
        ObjectNode n = nonResourceRules.addObject();
        strings(n.putArray("verbs"), r.verbs());
        strings(n.putArray("nonResourceURLs"), r.nonResourceURLs());
      }
      if (!r.resources().isEmpty()) {
        ObjectNode o = resourceRules.addObject();
        strings(o.putArray("verbs"), r.verbs());
        strings(o.putArray("apiGroups"), r.apiGroups());
        strings(o.putArray("resources"), r.resources());
        if (!r.resourceNames().isEmpty()) {
          strings(o.putArray("resourceNames"), r.resourceNames());
        }
      }
    }
    status.put("incomplete", false);
    return status;
  }

  private ObjectNode token(ObjectNode spec) {
    String token = spec.path("token").asText("");
    ObjectNode status = Json.object();
    UserInfo user = null;
    if (!token.isEmpty()) {
      try {
        user = authenticator.authenticate(null, "Bearer " + token);
      } catch (Authenticator.InvalidCredentialsException e) {
        user = null;
      }
    }
    if (user == null || user.isAnonymous()) {
      status.put("authenticated", false);
      status.put("error", "invalid bearer token");
      status.putObject("user");
      return status;
    }
    status.put("authenticated", true);
    status.set("user", userInfo(user));
    if (spec.has("audiences")) {
      status.set("audiences", spec.get("audiences").deepCopy());
    }
    return status;
  }

  private static ObjectNode userInfo(UserInfo user) {
    ObjectNode u = Json.object().put("username", user.name());
    if (!user.uid().isEmpty()) {
      u.put("uid", user.uid());
    }
    strings(u.putArray("groups"), user.groups());
    return u;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}

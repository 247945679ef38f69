package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.List;

/**
 * How the custom resources of one CRD version are written: status is the status subresource's alone
 * when the CRD declares it; unknown fields are pruned, defaults applied, then the object is
 * validated against the version's schema. While the CRD terminates, creates are refused with
 * upstream's 405.
 */
final class CustomResourceStrategy implements Strategy {
  private final StructuralSchema schema;
  private final boolean statusSubresource;
  private final boolean terminating;

  CustomResourceStrategy(StructuralSchema schema, boolean statusSubresource, boolean terminating) {
    this.schema = schema;
    this.statusSubresource = statusSubresource;
    this.terminating = terminating;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    if (terminating) {
      throw ApiException.methodNotAllowed(
          "create not allowed while custom resource definition is terminating");
    }
    if (statusSubresource) {
      obj.remove("status");
    }
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    schema.prune(obj);
    schema.applyDefaults(obj);
  }

  @Override
  public List<FieldError> validate(ObjectNode obj) {
    return schema.validate(obj);
  }
}

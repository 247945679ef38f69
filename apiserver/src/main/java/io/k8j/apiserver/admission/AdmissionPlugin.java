package io.k8j.apiserver.admission;

/**
 * One admission plugin, as upstream's {@code admission.MutationInterface} and {@code
 * ValidationInterface} in one: the generic store calls {@link #admit} of every plugin of the chain
 * (in chain order), then runs the kind's own defaulting and validation, then {@link #validate} of
 * every plugin, then writes. A plugin rejects a request by throwing an {@code ApiException} (403
 * Forbidden for a policy, 422 Invalid for a bad field); it adds {@code Warning} headers with {@link
 * AdmissionRequest#warn}.
 *
 * <p>To add a plugin: implement this interface in this package, and insert it in {@code
 * ApiServer.admissionPlugins} at upstream's place (kube-apiserver's {@code AllOrderedPlugins}):
 * NamespaceLifecycle (inside the generic store), LimitRanger, ServiceAccount, NodeRestriction,
 * PodSecurity, Priority, DefaultTolerationSeconds, ..., ResourceQuota — ResourceQuota stays last so
 * it charges only what every other plugin admitted. The ServiceAccount plugin goes right after
 * LimitRanger, Priority right after PodSecurity. Mutating work goes in {@link #admit}, checks in
 * {@link #validate}; {@link AdmissionRequest#user()} is who asks. Both must be safe to call from
 * many threads, and with {@link AdmissionRequest#dryRun()} must change nothing outside the object.
 */
public interface AdmissionPlugin {
  /** Upstream's name of the plugin ({@code LimitRanger}), for logs. */
  String name();

  /** Mutating admission: may change {@link AdmissionRequest#object()}. */
  default void admit(AdmissionRequest request) {}

  /** Validating admission: may only reject. */
  default void validate(AdmissionRequest request) {}
}

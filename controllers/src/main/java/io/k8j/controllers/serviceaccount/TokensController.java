package io.k8j.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.Deletion;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's service-account tokens controller, for the legacy token Secrets: a Secret of type
 * {@code kubernetes.io/service-account-token} annotated {@code kubernetes.io/service-account.name}
 * gets {@code token} (a long-lived JWT of that account), {@code ca.crt} and {@code namespace}, and
 * the annotation {@code kubernetes.io/service-account.uid}. A Secret whose account does not exist
 * (or is another account of the same name) is deleted, and so are an account's token Secrets when
 * the account is deleted; the API server stops accepting a token once its Secret is gone.
 */
public final class TokensController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokensController.class);
  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME = "kubernetes.io/service-account.name";
  static final String UID = "kubernetes.io/service-account.uid";

  private final Lister<Secret> secrets;
  private final Lister<ServiceAccount> accounts;
  private final BiFunction<String, String, ServiceAccount> liveAccounts;
  private final ObjectWriter writer;
  private final LegacyTokenSigner signer;
  private final String caPem;
  private final WorkQueue<String> queue;
  private final Controller controller;

  /**
   * @param liveAccounts reads a service account from the API server (null when absent), for the
   *     accounts the informer has not seen yet
   * @param caPem the cluster CA every token Secret carries as {@code ca.crt}
   */
  public TokensController(
      InformerFactory informers,
      ObjectWriter writer,
      BiFunction<String, String, ServiceAccount> liveAccounts,
      LegacyTokenSigner signer,
      String caPem,
      Clock clock) {
    Informer<Secret> secretInformer = informers.forType(Secret.class);
    Informer<ServiceAccount> saInformer = informers.forType(ServiceAccount.class);
    this.secrets = secretInformer.lister();
    this.accounts = saInformer.lister();
    this.writer = writer;
    this.liveAccounts = liveAccounts;
    this.signer = signer;
    this.caPem = caPem;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            "serviceaccount-token-controller",
            queue,
            this::sync,
            List.of(secretInformer, saInformer));
    secretInformer.addEventHandler(EventHandlers.onAddOrUpdate(this::enqueue));
    saInformer.addEventHandler(EventHandlers.onDelete(this::enqueueSecretsOf));
  }

  private void enqueue(Secret s) {
    if (TYPE.equals(s.getType())) {
      queue.add(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
    }
  }

  private void enqueueSecretsOf(ServiceAccount sa) {
    String name = sa.getMetadata().getName();
    for (Secret s : secrets.list(sa.getMetadata().getNamespace())) {
      if (name.equals(annotation(s, NAME))) {
        enqueue(s);
      }
    }
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  void sync(String key) {
    Secret s = secrets.get(key);
    if (s == null || !TYPE.equals(s.getType()) || s.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String ns = s.getMetadata().getNamespace();
    String accountName = annotation(s, NAME);
    ServiceAccount sa = accountName == null ? null : accounts.get(ns, accountName);
    if (sa == null && accountName != null) {
      // as upstream: a Secret created right after its account may be seen before the account
      sa = liveAccounts.apply(ns, accountName);
    }
    String wantedUid = annotation(s, UID);
    if (sa == null
        || sa.getMetadata().getDeletionTimestamp() != null
        || wantedUid != null && !wantedUid.equals(sa.getMetadata().getUid())) {
      delete(s, accountName, sa == null ? "does not exist" : "is another account now");
      return;
    }
    Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
    String ca = encode(caPem);
    String namespace = encode(ns);
    String uid = sa.getMetadata().getUid();
    boolean hasToken = data.get("token") != null && !data.get("token").isEmpty();
    if (hasToken
        && ca.equals(data.get("ca.crt"))
        && namespace.equals(data.get("namespace"))
        && uid.equals(wantedUid)) {
      return;
    }
    Map<String, String> filled = new HashMap<>(data);
    filled.put("ca.crt", ca);
    filled.put("namespace", namespace);
    if (!hasToken) {
      filled.put("token", encode(signer.sign(ns, accountName, uid, s.getMetadata().getName())));
    }
    Secret updated =
        new SecretBuilder(s).editMetadata().addToAnnotations(UID, uid).endMetadata().build();
    updated.setData(filled);
    try {
      writer.update(updated);
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return;
      }
      throw e;
    }
    LOG.info(
        "secret {}: {} for service account {}",
        key,
        hasToken ? "ca.crt and namespace filled" : "token issued",
        accountName);
  }

  private void delete(Secret s, String accountName, String why) {
    try {
      writer.delete(s, Deletion.DEFAULT.withPreconditionUid(s.getMetadata().getUid()));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e) || ApiErrors.code(e) == 409) {
        return;
      }
      throw e;
    }
    LOG.info(
        "secret {}/{}: deleted, its service account {} {}",
        s.getMetadata().getNamespace(),
        s.getMetadata().getName(),
        accountName,
        why);
  }

  private static String annotation(Secret s, String key) {
    Map<String, String> a = s.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}

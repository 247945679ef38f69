package io.k8j.controllers.bootstrap;

import io.fabric8.kubernetes.api.model.Secret;
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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's tokencleaner: deletes each bootstrap token Secret ({@code
 * bootstrap.kubernetes.io/token} in kube-system) once its {@code expiration} has passed, and looks
 * again at a token when it is due to expire.
 */
public final class TokenCleaner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenCleaner.class);
  static final String TYPE = "bootstrap.kubernetes.io/token";

  private final Lister<Secret> secrets;
  private final ObjectWriter writer;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public TokenCleaner(InformerFactory informers, ObjectWriter writer, Clock clock) {
    Informer<Secret> informer = informers.forType(Secret.class);
    this.secrets = informer.lister();
    this.writer = writer;
    this.clock = clock;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("tokencleaner", queue, this::sync, List.<Informer<?>>of(informer));
    informer.addEventHandler(EventHandlers.onAddOrUpdate(this::enqueue));
  }

  private void enqueue(Secret s) {
    if (TYPE.equals(s.getType()) && "kube-system".equals(s.getMetadata().getNamespace())) {
      queue.add("kube-system/" + s.getMetadata().getName());
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
    String expiration = data(s, "expiration");
    if (expiration.isEmpty()) {
      return;
    }
    Instant expires;
    try {
      expires = OffsetDateTime.parse(expiration).toInstant();
    } catch (DateTimeParseException e) {
      expires = Instant.EPOCH;
    }
    Instant now = clock.now();
    if (now.isBefore(expires)) {
      queue.addAfter(key, Duration.between(now, expires).plusSeconds(1));
      return;
    }
    writer.delete(s, Deletion.DEFAULT);
    LOG.info("deleted expired bootstrap token secret {} (expired {})", key, expiration);
  }

  private static String data(Secret s, String k) {
    String v = s.getData() == null ? null : s.getData().get(k);
    if (v == null) {
      return s.getStringData() == null ? "" : s.getStringData().getOrDefault(k, "");
    }
    try {
      return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}

package io.k8j.kubelet.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.client.DeepCopy;
import io.k8j.client.impl.RawApi;
import io.k8j.common.Clock;
import io.k8j.kubelet.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events from one background thread. An event equal to one recorded in the last ten
 * minutes (same object, part, reason and message) increments that event's count, as upstream's
 * correlator does, so that {@code kubectl describe} shows {@code (x3 over 1m)}. When the queue is
 * full, events are dropped rather than blocking the kubelet.
 */
public final class ApiEventRecorder implements EventRecorder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiEventRecorder.class);
  private static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
  private static final int MAX_REMEMBERED = 4096;
  private static final String MERGE_PATCH = "application/merge-patch+json";

  private record Key(String uid, String fieldPath, String reason, String message) {}

  private record Seen(String namespace, String name, int count, Instant first, Instant last) {}

  private record Pending(
      HasMetadata object,
      String fieldPath,
      String type,
      String reason,
      String message,
      Instant at) {}

  private final RawApi raw;
  private final String component;
  private final String host;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(10_000);
  private final Map<Key, Seen> seen =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };
  private final Thread writer;
  private volatile boolean closed;
  private long lastNanos;

  public ApiEventRecorder(KubernetesClient client, String host, Clock clock) {
    this.raw = new RawApi(client);
    this.component = "kubelet";
    this.host = host;
    this.clock = clock;
    this.writer = Thread.ofVirtual().name("events-" + host).start(this::run);
  }

  @Override
  public void event(
      HasMetadata object, String fieldPath, String type, String reason, String message) {
    if (closed || object == null || object.getMetadata() == null) {
      return;
    }
    if (!queue.offer(new Pending(object, fieldPath, type, reason, message, clock.now()))) {
      log.debug("event queue full, dropping {} {}", reason, message);
    }
  }

  private void run() {
    while (!closed) {
      Pending p;
      try {
        p = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        write(p);
      } catch (RuntimeException e) {
        log.debug(
            "could not record event {} on {}: {}",
            p.reason,
            p.object.getMetadata().getName(),
            e.getMessage());
      }
    }
  }

  private void write(Pending p) {
    HasMetadata o = p.object;
    String namespace =
        o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
    Key key = new Key(o.getMetadata().getUid(), p.fieldPath, p.reason, p.message);
    Seen s = seen.get(key);
    String now = Times.format(p.at);
    if (s != null && Duration.between(s.last, p.at).compareTo(AGGREGATE_WINDOW) < 0) {
      int count = s.count + 1;
      String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}";
      try {
        if (raw.send("PATCH", eventsPath(s.namespace) + "/" + s.name, MERGE_PATCH, patch).code()
            != 404) {
          seen.put(key, new Seen(s.namespace, s.name, count, s.first, p.at));
          return;
        }
      } catch (RuntimeException e) {
        log.debug("could not update event {}: {}", s.name, e.getMessage());
      }
    }
    long nanos = Math.max(lastNanos + 1, p.at.getEpochSecond() * 1_000_000_000L + p.at.getNano());
    lastNanos = nanos;
    String name = o.getMetadata().getName() + "." + Long.toHexString(nanos);
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(o.getApiVersion() == null ? "v1" : o.getApiVersion())
                    .withKind(o.getKind())
                    .withName(o.getMetadata().getName())
                    .withNamespace(o.getMetadata().getNamespace())
                    .withUid(o.getMetadata().getUid())
                    .withFieldPath(p.fieldPath)
                    .build())
            .withReason(p.reason)
            .withMessage(p.message)
            .withType(p.type)
            .withNewSource()
            .withComponent(component)
            .withHost(host)
            .endSource()
            .withReportingComponent(component)
            .withReportingInstance(host)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    // one request, its answer not parsed: a kubelet writes a few events per pod it starts
    raw.send("POST", eventsPath(namespace), "application/json", DeepCopy.serialization().asJson(e));
    seen.put(key, new Seen(namespace, name, 1, p.at, p.at));
  }

  private static String eventsPath(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/events";
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
  }
}

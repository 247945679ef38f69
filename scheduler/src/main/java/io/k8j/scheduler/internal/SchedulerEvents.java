package io.k8j.scheduler.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.util.PodApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scheduler's events ({@code Scheduled}, {@code FailedScheduling}, {@code Preempted}) as
 * core/v1 Events, off the scheduling thread: events wait in a bounded buffer (dropped, and counted,
 * when it is full, as upstream's broadcaster drops them) and a sender thread posts them with a
 * bounded number of requests in flight. A repeat of the same event on the same pod (same reason and
 * message) increments the first one's {@code count}, as upstream's correlator does.
 */
final class SchedulerEvents implements EventRecorder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchedulerEvents.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BUFFER = 10_000;
  private static final int IN_FLIGHT = 8;
  private static final int SEEN = 4096;

  private record Pending(
      Pod regarding, String type, String reason, String action, String message, Instant at) {}

  private record Seen(String name, int count) {}

  private final PodApi api;
  private final Clock clock;
  private final String component;
  private final String instance;
  private final BlockingQueue<Pending> buffer = new ArrayBlockingQueue<>(BUFFER);
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final AtomicLong dropped = new AtomicLong();
  private final Map<String, Seen> seen =
      new LinkedHashMap<>(SEEN, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> e) {
          return size() > SEEN;
        }
      };
  private final Thread sender;
  private volatile boolean closed;

  SchedulerEvents(PodApi api, Clock clock, String component, String instance) {
    this.api = api;
    this.clock = clock;
    this.component = component;
    this.instance = instance;
    this.sender = Thread.ofPlatform().daemon().name("scheduler-events").unstarted(this::run);
    this.sender.start();
  }

  @Override
  public void event(Pod regarding, String type, String reason, String action, String message) {
    if (closed) {
      return;
    }
    if (!buffer.offer(new Pending(regarding, type, reason, action, message, clock.now()))) {
      long n = dropped.incrementAndGet();
      if (n % 1000 == 1) {
        log.warn("event buffer full: {} events dropped so far", n);
      }
    }
  }

  /** How many events were dropped because the buffer was full. */
  long dropped() {
    return dropped.get();
  }

  private void run() {
    while (!closed) {
      Pending p;
      try {
        p = buffer.take();
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      try {
        send(p);
      } catch (RuntimeException e) {
        inFlight.release();
        log.debug("event not sent", e);
      }
    }
  }

  private void send(Pending p) {
    String ns = p.regarding().getMetadata().getNamespace();
    String key =
        p.regarding().getMetadata().getUid()
            + "|"
            + p.type()
            + "|"
            + p.reason()
            + "|"
            + p.message();
    String now = p.at().truncatedTo(ChronoUnit.SECONDS).toString();
    Seen prior;
    synchronized (seen) {
      prior = seen.get(key);
      if (prior != null) {
        seen.put(key, new Seen(prior.name(), prior.count() + 1));
      }
    }
    if (prior != null) {
      ObjectNode patch = JSON.createObjectNode();
      patch.put("count", prior.count() + 1).put("lastTimestamp", now);
      api.send(
              "PATCH",
              "/api/v1/namespaces/" + enc(ns) + "/events/" + enc(prior.name()),
              "application/merge-patch+json",
              patch.toString())
          .whenComplete((v, e) -> done(e));
      return;
    }
    String name =
        p.regarding().getMetadata().getName()
            + "."
            + Long.toHexString(p.at().getEpochSecond() * 1_000_000_000L + p.at().getNano())
            + Long.toHexString(System.nanoTime() & 0xfff);
    ObjectNode ev = JSON.createObjectNode();
    ev.put("apiVersion", "v1").put("kind", "Event");
    ev.putObject("metadata").put("name", name).put("namespace", ns);
    ObjectNode io = ev.putObject("involvedObject");
    io.put("kind", "Pod")
        .put("apiVersion", "v1")
        .put("namespace", ns)
        .put("name", p.regarding().getMetadata().getName())
        .put("uid", p.regarding().getMetadata().getUid());
    if (p.regarding().getMetadata().getResourceVersion() != null) {
      io.put("resourceVersion", p.regarding().getMetadata().getResourceVersion());
    }
    ev.put("reason", p.reason())
        .put("message", p.message())
        .put("type", p.type())
        .put("action", p.action())
        .put("count", 1)
        .put("firstTimestamp", now)
        .put("lastTimestamp", now)
        .put("reportingComponent", component)
        .put("reportingInstance", instance);
    ev.putObject("source").put("component", component);
    synchronized (seen) {
      seen.put(key, new Seen(name, 1));
    }
    api.send("POST", "/api/v1/namespaces/" + enc(ns) + "/events", "application/json", ev.toString())
        .whenComplete((v, e) -> done(e));
  }

  private void done(Throwable e) {
    inFlight.release();
    if (e != null) {
      log.debug("event not recorded: {}", e.toString());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    sender.interrupt();
  }
}

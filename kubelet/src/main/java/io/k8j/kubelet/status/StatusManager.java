package io.k8j.kubelet.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.client.impl.RawApi;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.kubelet.util.Json;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches the status the kubelet generated for each pod and writes it to the API server when it
 * changes (upstream's status manager): one write in flight per pod, the newest status wins, writes
 * for different pods in parallel. Static pods' statuses go to their mirror pods.
 */
public final class StatusManager {
  private static final Logger log = LoggerFactory.getLogger(StatusManager.class);

  private record Entry(Pod pod, PodStatus status, long version) {}

  private final RawApi raw;
  private final PodManager pods;
  private final PodStartupTracker startups;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, Long> sent = new ConcurrentHashMap<>();
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private long versions;

  public StatusManager(KubernetesClient client, PodManager pods, PodStartupTracker startups) {
    this.raw = new RawApi(client);
    this.pods = pods;
    this.startups = startups;
  }

  public Optional<PodStatus> get(String uid) {
    return Optional.ofNullable(cache.get(uid)).map(Entry::status);
  }

  /** Records the pod's status; writes it unless it equals the last one recorded. */
  public void set(Pod pod, PodStatus status) {
    String uid = pod.getMetadata().getUid();
    synchronized (this) {
      Entry old = cache.get(uid);
      if (old != null && old.status.equals(status)) {
        return;
      }
      cache.put(uid, new Entry(pod, status, ++versions));
    }
    schedule(uid);
  }

  /** Writes the cached status again (after a failure, or when the API server's copy differs). */
  public void resend(String uid) {
    sent.remove(uid);
    schedule(uid);
  }

  public void remove(String uid) {
    startups.forget(uid);
    cache.remove(uid);
    sent.remove(uid);
  }

  private void schedule(String uid) {
    if (closed || inFlight.putIfAbsent(uid, Boolean.TRUE) != null) {
      return;
    }
    Thread.ofVirtual().name("status-" + uid).start(() -> drain(uid));
  }

  private void drain(String uid) {
    try {
      while (!closed) {
        Entry e = cache.get(uid);
        if (e == null || Long.valueOf(e.version).equals(sent.get(uid))) {
          return;
        }
        if (write(e)) {
          sent.put(uid, e.version);
        } else {
          return;
        }
      }
    } finally {
      inFlight.remove(uid);
      Entry e = cache.get(uid);
      if (!closed
          && e != null
          && !Long.valueOf(e.version).equals(sent.get(uid))
          && retryable(uid)) {
        schedule(uid);
      }
    }
  }

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  private boolean retryable(String uid) {
    int n = failures.getOrDefault(uid, 0);
    if (n == 0) {
      return true;
    }
    try {
      Thread.sleep(Math.min(5000, 100L << Math.min(n, 6)));
    } catch (InterruptedException ie) {
      return false;
    }
    return true;
  }

  private boolean write(Entry e) {
    String uid = e.pod.getMetadata().getUid();
    Optional<Pod> target = pods.apiPod(e.pod);
    if (target.isEmpty()) {
      return true;
    }
    Pod api = target.get();
    ObjectNode status = (ObjectNode) Json.tree(e.status);
    for (String f :
        new String[] {"reason", "message", "initContainerStatuses", "podIP", "podIPs"}) {
      if (!status.has(f)) {
        status.putNull(f);
      }
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.set("status", status);
    long t0 = System.nanoTime();
    try {
      // one request: fabric8's withName(..).patch(..) reads the pod first and parses the answer
      RawApi.Response r =
          raw.send(
              "PATCH",
              "/api/v1/namespaces/"
                  + api.getMetadata().getNamespace()
                  + "/pods/"
                  + api.getMetadata().getName()
                  + "/status",
              "application/merge-patch+json",
              patch.toString());
      if (r.code() == 404) {
        log.debug("pod {} is gone, not writing its status", api.getMetadata().getName());
        return true;
      }
      failures.remove(uid);
      startups.reported(e.pod, e.status.getPhase(), System.nanoTime() - t0);
      return true;
    } catch (KubernetesClientException ex) {
      if (ex.getCode() == 404) {
        log.debug("pod {} is gone, not writing its status", api.getMetadata().getName());
        return true;
      }
      failures.merge(uid, 1, Integer::sum);
      log.warn(
          "could not write the status of pod {}/{}: {}",
          api.getMetadata().getNamespace(),
          api.getMetadata().getName(),
          ex.getMessage());
      return false;
    }
  }

  public void close() {
    closed = true;
  }
}

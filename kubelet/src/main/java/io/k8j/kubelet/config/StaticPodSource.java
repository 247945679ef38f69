package io.k8j.kubelet.config;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.k8j.common.Clock;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.kubelet.util.Json;
import io.k8j.kubelet.util.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads static pods from the manifest directory every check period (upstream's file source): each
 * {@code .yaml}, {@code .yml} or {@code .json} file is a pod, named {@code <name>-<node>}, with a
 * UID derived from its content, so an edited manifest is a new pod (the old one is killed).
 */
public final class StaticPodSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StaticPodSource.class);

  private final Path dir;
  private final String nodeName;
  private final Duration period;
  private final Clock clock;
  private final Consumer<Pod> added;
  private final Consumer<String> removed;
  private Map<String, Pod> current = Map.of();
  private volatile boolean closed;
  private Thread thread;

  public StaticPodSource(
      Path dir,
      String nodeName,
      Duration period,
      Clock clock,
      Consumer<Pod> added,
      Consumer<String> removed) {
    this.dir = dir;
    this.nodeName = nodeName;
    this.period = period;
    this.clock = clock;
    this.added = added;
    this.removed = removed;
  }

  /** Reads the directory once (so static pods are known before anything else runs), then polls. */
  public void start() {
    scan();
    thread = Thread.ofVirtual().name("static-pods").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      scan();
    }
  }

  /** Reads the directory and reports added and removed pods. */
  public synchronized void scan() {
    Map<String, Pod> next = new LinkedHashMap<>();
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String n = f.getFileName().toString();
          if (n.startsWith(".")
              || !(n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))) {
            continue;
          }
          try {
            Pod p = read(f);
            next.put(p.getMetadata().getUid(), p);
          } catch (IOException | RuntimeException e) {
            log.warn("could not read static pod manifest {}: {}", f, e.getMessage());
          }
        }
      } catch (IOException e) {
        log.warn("could not list {}: {}", dir, e.toString());
      }
    }
    for (String uid : current.keySet()) {
      if (!next.containsKey(uid)) {
        removed.accept(uid);
      }
    }
    for (var e : next.entrySet()) {
      if (!current.containsKey(e.getKey())) {
        added.accept(e.getValue());
      }
    }
    current = next;
  }

  Pod read(Path f) throws IOException {
    String text = Files.readString(f, StandardCharsets.UTF_8);
    Pod p = Json.YAML.readValue(text, Pod.class);
    if (p.getMetadata() == null || p.getMetadata().getName() == null) {
      throw new IOException("a static pod needs metadata.name");
    }
    var m = p.getMetadata();
    if (m.getNamespace() == null || m.getNamespace().isEmpty()) {
      m.setNamespace("default");
    }
    m.setName(m.getName() + "-" + nodeName);
    String uid = hash(nodeName + "\n" + f + "\n" + text);
    m.setUid(uid);
    Map<String, String> ann =
        m.getAnnotations() == null ? new HashMap<>() : new HashMap<>(m.getAnnotations());
    ann.put(PodManager.CONFIG_HASH, uid);
    ann.put(PodManager.CONFIG_SOURCE, "file");
    ann.put("kubernetes.io/config.seen", Times.format(clock.now()));
    m.setAnnotations(ann);
    var s = p.getSpec();
    s.setNodeName(nodeName);
    if (s.getRestartPolicy() == null) {
      s.setRestartPolicy("Always");
    }
    if (s.getDnsPolicy() == null) {
      s.setDnsPolicy("ClusterFirst");
    }
    if (s.getTerminationGracePeriodSeconds() == null) {
      s.setTerminationGracePeriodSeconds(30L);
    }
    if (s.getSchedulerName() == null) {
      s.setSchedulerName("default-scheduler");
    }
    if (s.getEnableServiceLinks() == null) {
      s.setEnableServiceLinks(true);
    }
    Toleration all = new Toleration();
    all.setOperator("Exists");
    all.setEffect("NoExecute");
    s.setTolerations(s.getTolerations() == null ? List.of(all) : append(s.getTolerations(), all));
    for (Container c : s.getContainers()) {
      if (c.getTerminationMessagePath() == null) {
        c.setTerminationMessagePath("/dev/termination-log");
      }
      if (c.getTerminationMessagePolicy() == null) {
        c.setTerminationMessagePolicy("File");
      }
    }
    p.setApiVersion("v1");
    p.setKind("Pod");
    p.setStatus(null);
    return p;
  }

  private static List<Toleration> append(List<Toleration> l, Toleration t) {
    List<Toleration> out = new java.util.ArrayList<>(l);
    out.add(t);
    return out;
  }

  static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}

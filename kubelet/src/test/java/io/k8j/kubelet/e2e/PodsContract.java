package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end list, driven with the real kubectl, the same cases on each runtime (a
 * subclass starts the node). Manifests name their node as {@code {node}} and put volumes under
 * {@code {dir}}: the process runtime mounts volumes at their paths in the host's file system, so
 * its pods keep them under a directory of their own.
 */
abstract class PodsContract {
  static NodeFixture node;

  /** Where the pods' volume mounts go ({@code ""} for the container's root). */
  abstract String mountRoot();

  /** The manifest with the node's name and the mount root filled in, applied with kubectl. */
  void apply(String yaml) {
    node.kubectl.apply(yaml.replace("{node}", node.nodeName).replace("{dir}", mountRoot()));
  }

  static Pod pod(String name) {
    return node.client.pods().inNamespace("default").withName(name).get();
  }

  static List<Event> events(String pod) {
    return node.client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static void awaitPhase(String name, String phase, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> phase.equals(node.kubectl.jsonpath(name, "{.status.phase}")));
  }

  @Test
  void twoContainersShareAnEmptyDirAndLocalhost() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: shared}
        spec:
          nodeName: {node}
          volumes: [{name: www, emptyDir: {}}]
          containers:
          - name: server
            image: busybox:1.36
            command: [sh, -c, 'echo hello-from-server > {dir}/www/index.html && exec busybox httpd -f -p 8080 -h {dir}/www']
            volumeMounts: [{name: www, mountPath: {dir}/www}]
          - name: client
            image: busybox:1.36
            command: [sh, -c, 'while true; do busybox wget -qO- http://localhost:8080/index.html; cat {dir}/shared/index.html; sleep 1; done']
            volumeMounts: [{name: www, mountPath: {dir}/shared}]
            readinessProbe:
              exec: {command: [sh, -c, 'busybox wget -qO- http://127.0.0.1:8080/index.html | grep -q hello']}
              periodSeconds: 1
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(node.kubectl.jsonpath("shared", "{.status.phase}")).isEqualTo("Running");
              assertThat(
                      node.kubectl.jsonpath(
                          "shared", "{.status.conditions[?(@.type==\"Ready\")].status}"))
                  .isEqualTo("True");
              assertThat(node.logText("shared", "client", 0))
                  .contains("hello-from-server\nhello-from-server");
            });
    String range = node.podCidr.substring(0, node.podCidr.lastIndexOf('.') + 1);
    assertThat(node.kubectl.jsonpath("shared", "{.status.podIP}")).startsWith(range);
    assertThat(node.kubectl.jsonpath("shared", "{.status.containerStatuses[0].containerID}"))
        .startsWith(node.kubelet.runtime().name() + "://");
    assertThat(node.kubectl.run("get", "pod", "shared").ok().out())
        .containsPattern("shared\\s+2/2\\s+Running\\s+0");
    assertThat(node.kubectl.run("describe", "pod", "shared").ok().out())
        .contains("Started container server", "Created container client", "ContainersReady");
    List<String> reasons = events("shared").stream().map(Event::getReason).toList();
    assertThat(reasons).contains("Pulled", "Created", "Started");
  }

  @Test
  void initContainersRunInOrderBeforeTheContainers() {
    // the postStart hook's file is outside the volumes: on the process runtime the hook can run
    // before the container's process has made its mounts
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: inits}
        spec:
          nodeName: {node}
          volumes: [{name: work, emptyDir: {}}]
          initContainers:
          - name: first
            image: busybox:1.36
            command: [sh, -c, 'sleep 1; echo first >> {dir}/work/order']
            volumeMounts: [{name: work, mountPath: {dir}/work}]
          - name: second
            image: busybox:1.36
            command: [sh, -c, 'echo second >> {dir}/work/order']
            volumeMounts: [{name: work, mountPath: {dir}/work}]
          containers:
          - name: main
            image: busybox:1.36
            command: [sh, -c, 'cat {dir}/work/order; until [ -f {dir}/inits-poststart ]; do sleep 0.2; done; echo poststart; exec sleep 3600']
            lifecycle:
              postStart:
                exec: {command: [touch, {dir}/inits-poststart]}
            volumeMounts: [{name: work, mountPath: {dir}/work}]
        """);
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String out = node.kubectl.run("get", "pod", "inits", "--no-headers").ok().out();
              String status =
                  out.strip().split("\\s+").length > 2 ? out.strip().split("\\s+")[2] : "";
              if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
              }
              return status.equals("Running");
            });
    assertThat(seen).contains("Init:0/2");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.logText("inits", "main", 0).contains("poststart"));
    assertThat(node.logText("inits", "main", 0)).startsWith("first\nsecond\n");
    assertThat(
            node.kubectl.jsonpath(
                "inits", "{.status.initContainerStatuses[*].state.terminated.reason}"))
        .isEqualTo("Completed Completed");
    assertThat(
            node.kubectl.jsonpath(
                "inits", "{.status.conditions[?(@.type==\"Initialized\")].status}"))
        .isEqualTo("True");
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainerWithGrowingBackOff() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: liveness}
        spec:
          nodeName: {node}
          terminationGracePeriodSeconds: 2
          volumes: [{name: state, emptyDir: {}}]
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'touch {dir}/live/healthy; sleep 1; rm {dir}/live/healthy; exec sleep 600']
            volumeMounts: [{name: state, mountPath: {dir}/live}]
            livenessProbe:
              exec: {command: [cat, {dir}/live/healthy]}
              periodSeconds: 1
              failureThreshold: 1
        """);
    // The kubelet says how long it backs off in the waiting message ("back-off 4s restarting
    // failed container=..."): the delays it chose are read there, not from wall-clock gaps that a
    // loaded machine stretches.
    List<Long> backOffs = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Pod p = pod("liveness");
              if (p == null
                  || p.getStatus().getContainerStatuses() == null
                  || p.getStatus().getContainerStatuses().isEmpty()) {
                return false;
              }
              var cs = p.getStatus().getContainerStatuses().get(0);
              var waiting = cs.getState().getWaiting();
              if (waiting != null && "CrashLoopBackOff".equals(waiting.getReason())) {
                assertThat(cs.getLastState().getTerminated()).isNotNull();
                Matcher m =
                    Pattern.compile("^back-off (\\d+)s restarting failed container=app")
                        .matcher(waiting.getMessage());
                assertThat(m.find()).as(waiting.getMessage()).isTrue();
                long seconds = Long.parseLong(m.group(1));
                if (backOffs.isEmpty() || backOffs.get(backOffs.size() - 1) != seconds) {
                  backOffs.add(seconds);
                }
              }
              return cs.getRestartCount() >= 3 && backOffs.size() >= 2;
            });
    // 2 s doubling (the fixture's first delay), never shrinking while the container keeps failing
    assertThat(backOffs.get(0)).isGreaterThanOrEqualTo(2);
    for (int i = 1; i < backOffs.size(); i++) {
      assertThat(backOffs.get(i)).as("back-offs %s", backOffs).isGreaterThan(backOffs.get(i - 1));
    }
    // the logs of the current and the previous instance are kept, older ones go with their
    // containers
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              try (var files = Files.list(node.log("default", "liveness", "app", 0).getParent())) {
                assertThat(files.filter(f -> f.toString().endsWith(".log")).count())
                    .isBetween(1L, 2L);
              }
            });
    List<Event> ev = events("liveness");
    assertThat(ev)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Unhealthy");
              assertThat(e.getMessage()).startsWith("Liveness probe failed: ");
            });
    assertThat(ev)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Killing");
              assertThat(e.getMessage())
                  .isEqualTo("Container app failed liveness probe, will be restarted");
            });
    assertThat(ev)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("BackOff");
              assertThat(e.getMessage())
                  .startsWith("Back-off restarting failed container app in pod liveness_default(");
            });
  }

  @Test
  void aReadinessProbeFlipsReady() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readiness}
        spec:
          nodeName: {node}
          volumes: [{name: www, emptyDir: {}}]
          containers:
          - name: web
            image: busybox:1.36
            command: [sh, -c, 'busybox httpd -p 8080 -h {dir}/rw; while true; do touch {dir}/rw/ready; sleep 4; rm {dir}/rw/ready; sleep 4; done']
            volumeMounts: [{name: www, mountPath: {dir}/rw}]
            readinessProbe:
              httpGet: {path: /ready, port: 8080}
              periodSeconds: 1
              failureThreshold: 1
        """);
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String ready =
                  node.kubectl.jsonpath(
                      "readiness", "{.status.conditions[?(@.type==\"Ready\")].status}");
              if (!ready.isEmpty()
                  && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(ready))) {
                seen.add(ready);
              }
              return seen.size() >= 4;
            });
    assertThat(seen).containsSubsequence("True", "False", "True");
    assertThat(events("readiness"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .startsWith("Readiness probe failed: HTTP probe failed with statuscode: 404"));
  }

  @Test
  void configMapsAndSecretsReachEnvAndFilesAndUpdatesReachTheFiles() {
    node.kubectl.run("create", "configmap", "app-config", "--from-literal=color=blue").ok();
    node.kubectl
        .run("create", "secret", "generic", "app-secret", "--from-literal=password=hunter2")
        .ok();
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: config}
        spec:
          nodeName: {node}
          volumes:
          - {name: cfg, configMap: {name: app-config}}
          - {name: sec, secret: {secretName: app-secret}}
          containers:
          - name: app
            image: busybox:1.36
            env:
            - name: COLOR
              valueFrom: {configMapKeyRef: {name: app-config, key: color}}
            - name: PASSWORD
              valueFrom: {secretKeyRef: {name: app-secret, key: password}}
            command: [sh, -c, 'echo "env $COLOR $PASSWORD"; echo "file $(cat {dir}/secret/password)"; while true; do echo "now $(cat {dir}/config/color)"; sleep 1; done']
            volumeMounts:
            - {name: cfg, mountPath: {dir}/config}
            - {name: sec, mountPath: {dir}/secret}
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(node.logText("config", "app", 0))
                    .contains("env blue hunter2", "file hunter2", "now blue"));
    node.kubectl
        .run(
            "patch",
            "configmap",
            "app-config",
            "--type=merge",
            "-p",
            "{\"data\":{\"color\":\"green\"}}")
        .ok();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(node.logText("config", "app", 0)).contains("now green"));
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: oom}
        spec:
          nodeName: {node}
          restartPolicy: Never
          containers:
          - name: hog
            image: busybox:1.36
            command: [busybox, tail, /dev/zero]
            resources:
              limits: {memory: 32Mi, cpu: 500m}
        """);
    awaitPhase("oom", "Failed", 60);
    assertThat(
            node.kubectl.jsonpath("oom", "{.status.containerStatuses[0].state.terminated.reason}"))
        .isEqualTo("OOMKilled");
    assertThat(
            node.kubectl.jsonpath(
                "oom", "{.status.containerStatuses[0].state.terminated.exitCode}"))
        .isEqualTo("137");
    assertThat(node.kubectl.jsonpath("oom", "{.status.qosClass}")).isEqualTo("Guaranteed");
    assertThat(node.kubectl.run("get", "pod", "oom").ok().out()).contains("OOMKilled");
  }

  @Test
  void deletionHonoursTheGracePeriod() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: graceful}
        spec:
          nodeName: {node}
          terminationGracePeriodSeconds: 20
          volumes: [{name: hooks, emptyDir: {}}]
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'trap "[ -f {dir}/hooks/prestop ] && echo prestop; echo got TERM; sleep 3; echo bye; exit 0" TERM; echo started; while true; do sleep 1; done']
            volumeMounts: [{name: hooks, mountPath: {dir}/hooks}]
            lifecycle:
              preStop:
                exec: {command: [touch, {dir}/hooks/prestop]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: stubborn}
        spec:
          nodeName: {node}
          terminationGracePeriodSeconds: 4
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'trap "echo ignoring TERM" TERM; echo started; while true; do sleep 1; done']
        """);
    awaitPhase("graceful", "Running", 60);
    awaitPhase("stubborn", "Running", 60);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                node.logText("graceful", "app", 0).contains("started")
                    && node.logText("stubborn", "app", 0).contains("started"));
    long t0 = System.nanoTime();
    node.kubectl.run("delete", "pod", "graceful", "stubborn", "--wait=false").ok();
    String[] lastLog = {"", ""};
    long[] gone = {0, 0};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String l = node.logText("graceful", "app", 0);
              if (!l.isEmpty()) {
                lastLog[0] = l;
              }
              String s = node.logText("stubborn", "app", 0);
              if (!s.isEmpty()) {
                lastLog[1] = s;
              }
              long now = Duration.ofNanos(System.nanoTime() - t0).toMillis();
              if (gone[0] == 0 && pod("stubborn") == null) {
                gone[0] = now;
              }
              if (gone[1] == 0 && pod("graceful") == null) {
                gone[1] = now;
              }
              return gone[0] > 0 && gone[1] > 0;
            });
    long stubborn = gone[0];
    long graceful = gone[1];
    assertThat(stubborn).isBetween(3_500L, 12_000L);
    assertThat(graceful).isBetween(2_500L, 15_000L);
    // the preStop hook ran before the TERM: the handler found the file it made
    assertThat(lastLog[0]).contains("prestop\ngot TERM", "bye");
    assertThat(lastLog[1]).contains("ignoring TERM");
  }

  @Test
  void aClaimBoundToAHostPathVolumeIsMounted() throws Exception {
    Path data = Files.createTempDirectory("k8j-e2e-pv-");
    try {
      apply(
          """
          apiVersion: v1
          kind: PersistentVolume
          metadata: {name: data-pv}
          spec:
            capacity: {storage: 1Gi}
            accessModes: [ReadWriteOnce]
            storageClassName: ""
            hostPath: {path: %s, type: DirectoryOrCreate}
          ---
          apiVersion: v1
          kind: PersistentVolumeClaim
          metadata: {name: data}
          spec:
            accessModes: [ReadWriteOnce]
            storageClassName: ""
            volumeName: data-pv
            resources: {requests: {storage: 1Gi}}
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: claim}
          spec:
            nodeName: {node}
            restartPolicy: Never
            volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            containers:
            - name: writer
              image: busybox:1.36
              command: [sh, -c, 'echo written-through-the-claim > {dir}/claim/hello']
              volumeMounts: [{name: data, mountPath: {dir}/claim}]
          """
              .formatted(data));
      awaitPhase("claim", "Succeeded", 60);
      assertThat(Files.readString(data.resolve("hello"))).isEqualTo("written-through-the-claim\n");
    } finally {
      NodeFixture.deleteTree(data);
    }
  }
}

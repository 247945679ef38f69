package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.kubelet.RuntimeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The end-to-end list on real containerd, driven with the real kubectl. */
class ContainerdPodsIT {
  static NodeFixture node;

  @BeforeAll
  static void start() throws Exception {
    node = NodeFixture.start(RuntimeKind.CRI, "ctr-e2e", "10.88.10.0/24", b -> b);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
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
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: shared}
        spec:
          nodeName: ctr-e2e
          volumes: [{name: www, emptyDir: {}}]
          containers:
          - name: server
            image: busybox:1.36
            command: [sh, -c, 'echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www']
            volumeMounts: [{name: www, mountPath: /www}]
          - name: client
            image: busybox:1.36
            command: [sh, -c, 'while true; do wget -qO- http://localhost:8080/index.html; cat /shared/index.html; sleep 1; done']
            volumeMounts: [{name: www, mountPath: /shared}]
            readinessProbe:
              exec: {command: [sh, -c, 'wget -qO- http://127.0.0.1:8080/index.html | grep -q hello']}
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
    String ip = node.kubectl.jsonpath("shared", "{.status.podIP}");
    assertThat(ip).startsWith("10.88.10.");
    assertThat(node.kubectl.run("get", "pod", "shared").ok().out())
        .containsPattern("shared\\s+2/2\\s+Running\\s+0");
    assertThat(node.kubectl.run("describe", "pod", "shared").ok().out())
        .contains("Started container server", "Created container client", "ContainersReady");
    List<String> reasons = events("shared").stream().map(Event::getReason).toList();
    assertThat(reasons).contains("Pulled", "Created", "Started");
  }

  @Test
  void initContainersRunInOrderBeforeTheContainers() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: inits}
        spec:
          nodeName: ctr-e2e
          volumes: [{name: work, emptyDir: {}}]
          initContainers:
          - name: first
            image: busybox:1.36
            command: [sh, -c, 'sleep 1; echo first >> /work/order']
            volumeMounts: [{name: work, mountPath: /work}]
          - name: second
            image: busybox:1.36
            command: [sh, -c, 'echo second >> /work/order']
            volumeMounts: [{name: work, mountPath: /work}]
          containers:
          - name: main
            image: busybox:1.36
            command: [sh, -c, 'cat /work/order; exec sleep 3600']
            lifecycle:
              postStart:
                exec: {command: [sh, -c, 'echo poststart > /proc/1/fd/1']}
            volumeMounts: [{name: work, mountPath: /work}]
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
        .atMost(Duration.ofSeconds(10))
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
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: liveness}
        spec:
          nodeName: ctr-e2e
          terminationGracePeriodSeconds: 2
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; exec sleep 600']
            livenessProbe:
              exec: {command: [cat, /tmp/healthy]}
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
                var m =
                    java.util.regex.Pattern.compile(
                            "^back-off (\\d+)s restarting failed container=app")
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
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              try (var files =
                  java.nio.file.Files.list(node.log("default", "liveness", "app", 0).getParent())) {
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
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readiness}
        spec:
          nodeName: ctr-e2e
          containers:
          - name: web
            image: busybox:1.36
            command: [sh, -c, 'mkdir -p /www; httpd -p 8080 -h /www; while true; do touch /www/ready; sleep 4; rm /www/ready; sleep 4; done']
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
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: config}
        spec:
          nodeName: ctr-e2e
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
            command: [sh, -c, 'echo "env $COLOR $PASSWORD"; echo "file $(cat /etc/secret/password)"; while true; do echo "now $(cat /etc/config/color)"; sleep 1; done']
            volumeMounts:
            - {name: cfg, mountPath: /etc/config}
            - {name: sec, mountPath: /etc/secret}
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
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(node.logText("config", "app", 0)).contains("now green"));
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: oom}
        spec:
          nodeName: ctr-e2e
          restartPolicy: Never
          containers:
          - name: hog
            image: busybox:1.36
            command: [sh, -c, 'tail /dev/zero']
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
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: graceful}
        spec:
          nodeName: ctr-e2e
          terminationGracePeriodSeconds: 20
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'trap "echo got TERM; sleep 3; echo bye; exit 0" TERM; echo started; while true; do sleep 1; done']
            lifecycle:
              preStop:
                exec: {command: [sh, -c, 'echo prestop > /proc/1/fd/1']}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: stubborn}
        spec:
          nodeName: ctr-e2e
          terminationGracePeriodSeconds: 4
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'trap "echo ignoring TERM" TERM; while true; do sleep 1; done']
        """);
    awaitPhase("graceful", "Running", 60);
    awaitPhase("stubborn", "Running", 60);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.logText("graceful", "app", 0).contains("started"));
    long t0 = System.nanoTime();
    node.kubectl.run("delete", "pod", "graceful", "stubborn", "--wait=false").ok();
    String[] lastLog = {""};
    long[] gone = {0, 0};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String l = node.logText("graceful", "app", 0);
              if (!l.isEmpty()) {
                lastLog[0] = l;
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
    assertThat(lastLog[0]).contains("prestop", "got TERM", "bye");
    assertThat(lastLog[0].indexOf("prestop")).isLessThan(lastLog[0].indexOf("got TERM"));
  }

  /** The image's registry is a closed loopback port: the pull fails at once, without DNS. */
  @Test
  void aMissingImageFailsToPullAndBacksOff() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: noimage}
        spec:
          nodeName: ctr-e2e
          containers:
          - name: app
            image: 127.0.0.1:1/k8j/nothing:1.0
        """);
    List<String> reasons = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                String r =
                    node.kubectl.jsonpath(
                        "noimage", "{.status.containerStatuses[0].state.waiting.reason}");
                if (!r.isEmpty()
                    && (reasons.isEmpty() || !reasons.get(reasons.size() - 1).equals(r))) {
                  reasons.add(r);
                }
                // ErrImagePull can be replaced by ImagePullBackOff before a poll sees it in the
                // status (as upstream); its event stays
                return reasons.contains("ImagePullBackOff")
                    && (reasons.contains("ErrImagePull")
                        || events("noimage").stream()
                            .anyMatch(e -> "Error: ErrImagePull".equals(e.getMessage())));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // A CI run once saw this pod's worker stop: say where every thread is (virtual ones too).
      throw new AssertionError(
          "waiting reasons seen: "
              + reasons
              + "; events: "
              + events("noimage").stream().map(Event::getMessage).toList()
              + "; threads dumped to "
              + ThreadDumps.dump("missing-image"),
          e);
    }
    assertThat(node.kubectl.jsonpath("noimage", "{.status.phase}")).isEqualTo("Pending");
    assertThat(events("noimage"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .startsWith("Failed to pull image \"127.0.0.1:1/k8j/nothing:1.0\""))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("Back-off pulling image \"127.0.0.1:1/k8j/nothing:1.0\""));
  }
}

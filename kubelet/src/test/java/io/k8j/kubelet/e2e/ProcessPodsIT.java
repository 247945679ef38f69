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

/**
 * The basic suite on the process runtime: the host's own binaries (busybox-static for httpd and
 * wget), each pod in its own network namespace, volumes bind-mounted under /tmp/k8j-e2e.
 */
class ProcessPodsIT {
  static NodeFixture node;

  @BeforeAll
  static void start() throws Exception {
    node = NodeFixture.start(RuntimeKind.PROCESS, "proc-e2e", "10.88.30.0/24", b -> b);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    // the mount points the process runtime made on the host for these pods' volumes
    NodeFixture.deleteTree(java.nio.file.Path.of("/tmp/k8j-e2e"));
  }

  static Pod pod(String name) {
    return node.client.pods().inNamespace("default").withName(name).get();
  }

  static List<Event> events(String pod) {
    return node.client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void twoContainersShareAnEmptyDirAndTheirNetworkNamespace() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: shared}
        spec:
          nodeName: proc-e2e
          volumes: [{name: www, emptyDir: {}}]
          containers:
          - name: server
            image: busybox:1.36
            command: [sh, -c, 'echo hello-from-server > /tmp/k8j-e2e/www/index.html && exec busybox httpd -f -p 8080 -h /tmp/k8j-e2e/www']
            volumeMounts: [{name: www, mountPath: /tmp/k8j-e2e/www}]
          - name: client
            image: busybox:1.36
            command: [sh, -c, 'while true; do busybox wget -qO- http://localhost:8080/index.html; cat /tmp/k8j-e2e/shared/index.html; sleep 1; done']
            volumeMounts: [{name: www, mountPath: /tmp/k8j-e2e/shared}]
            readinessProbe:
              exec: {command: [sh, -c, 'busybox wget -qO- http://127.0.0.1:8080/index.html | grep -q hello']}
              periodSeconds: 1
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              System.out.println(
                  "DBG "
                      + node.kubectl.run("get", "pod", "shared", "-o", "jsonpath={.status}").out());
              assertThat(
                      node.kubectl.jsonpath(
                          "shared", "{.status.conditions[?(@.type==\"Ready\")].status}"))
                  .isEqualTo("True");
              assertThat(node.logText("shared", "client", 0))
                  .contains("hello-from-server\nhello-from-server");
            });
    assertThat(node.kubectl.jsonpath("shared", "{.status.podIP}")).startsWith("10.88.30.");
    assertThat(node.kubectl.jsonpath("shared", "{.status.containerStatuses[0].containerID}"))
        .startsWith("process://");
  }

  @Test
  void initContainersRunInOrder() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: inits}
        spec:
          nodeName: proc-e2e
          volumes: [{name: work, emptyDir: {}}]
          initContainers:
          - {name: first, image: busybox:1.36, command: [sh, -c, 'sleep 1; echo first >> /tmp/k8j-e2e/work/order'], volumeMounts: [{name: work, mountPath: /tmp/k8j-e2e/work}]}
          - {name: second, image: busybox:1.36, command: [sh, -c, 'echo second >> /tmp/k8j-e2e/work/order'], volumeMounts: [{name: work, mountPath: /tmp/k8j-e2e/work}]}
          containers:
          - {name: main, image: busybox:1.36, command: [sh, -c, 'cat /tmp/k8j-e2e/work/order; exec sleep 3600'], volumeMounts: [{name: work, mountPath: /tmp/k8j-e2e/work}]}
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "Running".equals(node.kubectl.jsonpath("inits", "{.status.phase}")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.logText("inits", "main", 0).equals("first\nsecond\n"));
    assertThat(
            node.kubectl.jsonpath(
                "inits", "{.status.initContainerStatuses[*].state.terminated.reason}"))
        .isEqualTo("Completed Completed");
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainer() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: liveness}
        spec:
          nodeName: proc-e2e
          terminationGracePeriodSeconds: 2
          volumes: [{name: state, emptyDir: {}}]
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'touch /tmp/k8j-e2e/live/healthy; sleep 1; rm /tmp/k8j-e2e/live/healthy; exec sleep 600']
            volumeMounts: [{name: state, mountPath: /tmp/k8j-e2e/live}]
            livenessProbe:
              exec: {command: [cat, /tmp/k8j-e2e/live/healthy]}
              periodSeconds: 1
              failureThreshold: 1
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              String n =
                  node.kubectl.jsonpath("liveness", "{.status.containerStatuses[0].restartCount}");
              return !n.isEmpty() && Integer.parseInt(n) >= 2;
            });
    assertThat(events("liveness"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("Container app failed liveness probe, will be restarted"));
  }

  @Test
  void aReadinessProbeFlipsReady() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readiness}
        spec:
          nodeName: proc-e2e
          volumes: [{name: www, emptyDir: {}}]
          containers:
          - name: web
            image: busybox:1.36
            command: [sh, -c, 'busybox httpd -p 8080 -h /tmp/k8j-e2e/rw; while true; do touch /tmp/k8j-e2e/rw/ready; sleep 4; rm /tmp/k8j-e2e/rw/ready; sleep 4; done']
            volumeMounts: [{name: www, mountPath: /tmp/k8j-e2e/rw}]
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
  }

  @Test
  void configMapsAndSecretsReachEnvAndFiles() {
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
          nodeName: proc-e2e
          volumes:
          - {name: cfg, configMap: {name: app-config}}
          - {name: sec, secret: {secretName: app-secret}}
          containers:
          - name: app
            image: busybox:1.36
            env:
            - {name: COLOR, valueFrom: {configMapKeyRef: {name: app-config, key: color}}}
            - {name: PASSWORD, valueFrom: {secretKeyRef: {name: app-secret, key: password}}}
            command: [sh, -c, 'echo "env $COLOR $PASSWORD"; echo "file $(cat /tmp/k8j-e2e/secret/password)"; while true; do echo "now $(cat /tmp/k8j-e2e/config/color)"; sleep 1; done']
            volumeMounts:
            - {name: cfg, mountPath: /tmp/k8j-e2e/config}
            - {name: sec, mountPath: /tmp/k8j-e2e/secret}
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
  void aProcessOverItsMemoryLimitIsOomKilled() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: oom}
        spec:
          nodeName: proc-e2e
          restartPolicy: Never
          containers:
          - name: hog
            image: busybox:1.36
            command: [busybox, tail, /dev/zero]
            resources:
              limits: {memory: 32Mi, cpu: 500m}
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "Failed".equals(node.kubectl.jsonpath("oom", "{.status.phase}")));
    assertThat(
            node.kubectl.jsonpath("oom", "{.status.containerStatuses[0].state.terminated.reason}"))
        .isEqualTo("OOMKilled");
  }

  @Test
  void deletionHonoursTheGracePeriod() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: stubborn}
        spec:
          nodeName: proc-e2e
          terminationGracePeriodSeconds: 4
          containers:
          - name: app
            image: busybox:1.36
            command: [sh, -c, 'trap "echo ignoring TERM" TERM; echo started; while true; do sleep 1; done']
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.logText("stubborn", "app", 0).contains("started"));
    long t0 = System.nanoTime();
    node.kubectl.run("delete", "pod", "stubborn", "--wait=false").ok();
    String[] lastLog = {""};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String l = node.logText("stubborn", "app", 0);
              if (!l.isEmpty()) {
                lastLog[0] = l;
              }
              return pod("stubborn") == null;
            });
    long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertThat(took).isBetween(3_500L, 12_000L);
    assertThat(lastLog[0]).contains("ignoring TERM");
  }

  @Test
  void aClaimBoundToAHostPathVolumeIsMounted() throws Exception {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: data-pv}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: ""
          hostPath: {path: /tmp/k8j-e2e/pv-data, type: DirectoryOrCreate}
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
          nodeName: proc-e2e
          restartPolicy: Never
          volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
          containers:
          - name: writer
            image: busybox:1.36
            command: [sh, -c, 'echo written-through-the-claim > /tmp/k8j-e2e/claim/hello']
            volumeMounts: [{name: data, mountPath: /tmp/k8j-e2e/claim}]
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "Succeeded".equals(node.kubectl.jsonpath("claim", "{.status.phase}")));
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/tmp/k8j-e2e/pv-data/hello")))
        .isEqualTo("written-through-the-claim\n");
  }
}

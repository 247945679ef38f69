package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster of three machines on one: {@code k8j server} and two {@code k8j agent}s, each in a
 * network namespace of its own on a bridge the test makes, each with its own containerd; driven
 * with the real kubectl. A Deployment spread over the three nodes is reached through its ClusterIP
 * from a pod on every node, through its NodePort on every node's address, and by name through the
 * cluster DNS; its endpoints follow it as it scales and as pods die or are not ready; a headless
 * Service resolves to every ready pod; a node cut off the network goes NotReady and its pods come
 * back on the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();
  static NetnsCluster cluster;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        ProcessHandle.current().info().user().orElse("").equals("root"),
        "needs root: network namespaces and containerd");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/containerd")), "needs containerd");
    cluster =
        NetnsCluster.start(3, "--node-monitor-grace-period", "40s", "--node-monitor-period", "2s");
    kubectl = new Kubectl(cluster.kubeconfig());
    awaitTrue(
        () -> readyNodes().size() == 3,
        "three Ready nodes",
        () -> ok("get", "nodes", "-o", "wide"));
    apply(WEB);
    awaitTrue(
        () -> readyWebPods().size() == 3,
        "three ready web pods",
        () -> ok("get", "pods", "-n", "shop", "-o", "wide"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    try {
      // inside the helper's 60 s: pods of the node cut off may never finish terminating
      kubectl.run("delete", "namespace", "shop", "--wait=true", "--timeout=40s");
    } finally {
      cluster.close();
    }
  }

  static final String WEB =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            topologySpreadConstraints:
            - maxSkew: 1
              topologyKey: kubernetes.io/hostname
              whenUnsatisfiable: DoNotSchedule
              nodeTaintsPolicy: Honor
              labelSelector: {matchLabels: {app: web}}
            tolerations:
            - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 10}
            - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 10}
            terminationGracePeriodSeconds: 1
            containers:
            - name: web
              image: docker.io/library/busybox:latest
              imagePullPolicy: Never
              command: [sh, -c, 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www']
              ports: [{containerPort: 80, name: http}]
              readinessProbe:
                httpGet: {path: /index.html, port: 80}
                periodSeconds: 2
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: NodePort
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: http}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-headless, namespace: shop}
      spec:
        clusterIP: None
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: 80}]
      """;

  @Test
  @Order(1)
  void theDeploymentIsSpreadOverTheThreeNodesEachWithItsOwnPodRange() throws Exception {
    Map<String, String> podCidrs = new TreeMap<>();
    for (JsonNode n : json("get", "nodes").path("items")) {
      podCidrs.put(
          n.path("metadata").path("name").asText(), n.path("spec").path("podCIDR").asText());
    }
    assertThat(new TreeSet<>(podCidrs.values())).as("%s", podCidrs).hasSize(3);
    assertThat(podCidrs.values()).allMatch(c -> c.matches("10\\.42\\.\\d+\\.0/24"));
    Map<String, String> nodeOf = readyWebPods();
    assertThat(new TreeSet<>(nodeOf.values()))
        .as("nodes of %s", nodeOf)
        .containsExactlyInAnyOrderElementsOf(podCidrs.keySet());
  }

  @Test
  @Order(2)
  void aPodOnEveryNodeReachesTheServiceByClusterIpAndByDnsName() throws Exception {
    String clusterIp = ok("get", "svc", "-n", "shop", "web", "-o", "jsonpath={.spec.clusterIP}");
    Set<String> servedBy = new TreeSet<>();
    for (NetnsCluster.Node n : cluster.nodes) {
      String out =
          runPod(
              n.name,
              "cat /etc/resolv.conf; for i in 1 2 3 4 5 6; do timeout 10 wget -qO- http://"
                  + clusterIp
                  + "/ || exit 1; done; timeout 10 wget -qO- http://web.shop.svc.cluster.local/ || exit 2;"
                  + " nslookup kubernetes.default.svc.cluster.local || exit 3");
      assertThat(out)
          .contains("nameserver 10.43.0.10")
          .contains("search shop.svc.cluster.local svc.cluster.local cluster.local")
          .contains("options ndots:5")
          .contains("Address: 10.43.0.1");
      Matcher m = Pattern.compile("hello from (web-\\S+)").matcher(out);
      int hellos = 0;
      while (m.find()) {
        servedBy.add(m.group(1));
        hellos++;
      }
      assertThat(hellos).as("answers seen from a pod on %s:\n%s", n.name, out).isEqualTo(7);
    }
    assertThat(servedBy).as("pods that answered").hasSizeGreaterThan(1);
  }

  @Test
  @Order(3)
  void theNodePortAnswersOnEveryNodesAddress() throws Exception {
    String nodePort =
        ok("get", "svc", "-n", "shop", "web", "-o", "jsonpath={.spec.ports[0].nodePort}");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    for (NetnsCluster.Node n : cluster.nodes) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + n.ip + ":" + nodePort + "/"))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("hello from web-");
      }
    }
  }

  @Test
  @Order(4)
  void theHeadlessServiceResolvesToEveryReadyPod() throws Exception {
    Set<String> podIps = new TreeSet<>(readyWebPodIps());
    String out = runPod(cluster.nodes.get(1).name, "nslookup web-headless.shop.svc.cluster.local");
    Set<String> resolved = new TreeSet<>();
    Matcher m = Pattern.compile("Address: (10\\.42\\.[0-9.]+)").matcher(out);
    while (m.find()) {
      resolved.add(m.group(1));
    }
    assertThat(resolved).as(out).isEqualTo(podIps);
  }

  @Test
  @Order(5)
  void endpointsFollowThePodsAsTheyScaleDieAndFailReadiness() throws Exception {
    ok("scale", "deployment", "-n", "shop", "web", "--replicas=5");
    awaitEndpointsMatchReadyPods(5);

    String victim = readyWebPods().keySet().iterator().next();
    String victimIp = ok("get", "pod", "-n", "shop", victim, "-o", "jsonpath={.status.podIP}");
    ok("delete", "pod", "-n", "shop", victim, "--wait=false");
    awaitTrue(
        () -> !readyEndpointIps().contains(victimIp) && readyEndpointIps().size() == 5,
        "the deleted pod's address gone from the endpoints and a new pod's in",
        this::describeEndpoints);
    awaitEndpointsMatchReadyPods(5);

    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: never-ready, namespace: shop, labels: {app: web}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: docker.io/library/busybox:latest
            imagePullPolicy: Never
            command: [sh, -c, 'mkdir -p /www && echo not me > /www/index.html && exec httpd -f -p 80 -h /www']
            ports: [{containerPort: 80, name: http}]
            readinessProbe:
              exec: {command: ['false']}
              periodSeconds: 2
        """);
    awaitTrue(
        () -> notReadyEndpointIps().size() == 1,
        "the never-ready pod listed as not ready",
        this::describeEndpoints);
    String unreadyIp =
        ok("get", "pod", "-n", "shop", "never-ready", "-o", "jsonpath={.status.podIP}");
    assertThat(notReadyEndpointIps()).containsExactly(unreadyIp);
    assertThat(readyEndpointIps()).doesNotContain(unreadyIp).hasSize(5);
    ok("delete", "pod", "-n", "shop", "never-ready", "--wait=false");

    ok("scale", "deployment", "-n", "shop", "web", "--replicas=3");
    awaitEndpointsMatchReadyPods(3);
  }

  @Test
  @Order(6)
  void aNodeCutOffGoesNotReadyAndItsPodsComeBackOnTheOthers() throws Exception {
    awaitTrue(
        () -> new TreeSet<>(readyWebPods().values()).size() == 3,
        "one web pod per node",
        () -> ok("get", "pods", "-n", "shop", "-o", "wide"));
    NetnsCluster.Node cut = cluster.nodes.get(2);
    cut.link(false);
    try {
      awaitTrue(
          () -> !readyNodes().contains(cut.name), cut.name + " NotReady", () -> ok("get", "nodes"));
      awaitTrue(
          () -> {
            Map<String, String> pods = readyWebPods();
            return pods.size() == 3 && !pods.containsValue(cut.name);
          },
          "three ready web pods, none on " + cut.name,
          () -> ok("get", "pods", "-n", "shop", "-o", "wide"));
      awaitEndpointsMatchReadyPods(3);
      String out =
          runPod(
              cluster.nodes.get(0).name,
              "for i in 1 2 3 4 5 6; do timeout 10 wget -qO- http://web.shop.svc.cluster.local/ || exit 1; done");
      assertThat(out.lines().filter(l -> l.startsWith("hello from web-")).count()).isEqualTo(6);
    } finally {
      cut.link(true);
    }
  }

  @Test
  @Order(7)
  void aWrongJoinTokenIsRefused() throws Exception {
    String good = cluster.token();
    String wrong = good.substring(0, good.indexOf("::") + 2) + "abcdef.0123456789abcdef";
    Kubectl.Result r = cluster.joinWith(wrong);
    assertThat(r.exitCode()).as(r.all()).isNotZero().isNotEqualTo(-1);
    assertThat(r.all()).contains("refused the join token");
    assertThat(readyNodes()).doesNotContain("rejected-" + cluster.id);
  }

  // ---- helpers

  static String ok(String... args) throws Exception {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out();
  }

  static void apply(String yaml) throws Exception {
    Kubectl.Result r = kubectl.runWithInput(yaml, "apply", "-f", "-");
    assertThat(r.exitCode()).as("kubectl apply: %s", r.all()).isZero();
  }

  static JsonNode json(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("-o", "json"));
    return JSON.readTree(ok(a.toArray(String[]::new)));
  }

  static Set<String> readyNodes() throws Exception {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : json("get", "nodes").path("items")) {
      for (JsonNode c : n.path("status").path("conditions")) {
        if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
          out.add(n.path("metadata").path("name").asText());
        }
      }
    }
    return out;
  }

  /** Ready, not terminating web pods of the Deployment: name to node. */
  static Map<String, String> readyWebPods() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode p : json("get", "pods", "-n", "shop", "-l", "app=web").path("items")) {
      if (!p.path("metadata").path("deletionTimestamp").isMissingNode()
          || p.path("metadata").path("name").asText().equals("never-ready")) {
        continue;
      }
      for (JsonNode c : p.path("status").path("conditions")) {
        if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
          out.put(
              p.path("metadata").path("name").asText(), p.path("spec").path("nodeName").asText());
        }
      }
    }
    return out;
  }

  static Set<String> readyWebPodIps() throws Exception {
    Set<String> out = new TreeSet<>();
    Set<String> ready = readyWebPods().keySet();
    for (JsonNode p : json("get", "pods", "-n", "shop", "-l", "app=web").path("items")) {
      if (ready.contains(p.path("metadata").path("name").asText())) {
        out.add(p.path("status").path("podIP").asText());
      }
    }
    return out;
  }

  private static Set<String> endpointIps(boolean ready) throws Exception {
    Set<String> out = new TreeSet<>();
    for (JsonNode s :
        json("get", "endpointslices", "-n", "shop", "-l", "kubernetes.io/service-name=web")
            .path("items")) {
      for (JsonNode e : s.path("endpoints")) {
        if (e.path("conditions").path("ready").asBoolean(false) == ready) {
          e.path("addresses").forEach(a -> out.add(a.asText()));
        }
      }
    }
    return out;
  }

  static Set<String> readyEndpointIps() throws Exception {
    return endpointIps(true);
  }

  static Set<String> notReadyEndpointIps() throws Exception {
    return endpointIps(false);
  }

  private String describeEndpoints() throws Exception {
    return ok("get", "endpointslices", "-n", "shop", "-o", "wide")
        + ok("get", "pods", "-n", "shop", "-o", "wide");
  }

  private void awaitEndpointsMatchReadyPods(int n) throws Exception {
    awaitTrue(
        () -> {
          Set<String> pods = readyWebPodIps();
          return pods.size() == n && pods.equals(readyEndpointIps());
        },
        n + " ready pods, exactly those in the endpoints",
        this::describeEndpoints);
  }

  private static int pods;

  /** Runs {@code script} in a busybox pod on {@code node}; its output once it succeeded. */
  static String runPod(String node, String script) throws Exception {
    String name = "check-" + (++pods);
    Kubectl.Result r =
        kubectl.runWithInput(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s, namespace: shop}
            spec:
              nodeName: %s
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers:
              - name: check
                image: docker.io/library/busybox:latest
                imagePullPolicy: Never
                command: [sh, -c, '%s']
            """
                .formatted(name, node, script.replace("'", "''")),
            "apply",
            "-f",
            "-");
    assertThat(r.exitCode()).as(r.all()).isZero();
    awaitTrue(
        () -> {
          String phase = ok("get", "pod", "-n", "shop", name, "-o", "jsonpath={.status.phase}");
          return phase.equals("Succeeded") || phase.equals("Failed");
        },
        name + " on " + node + " finished",
        () -> ok("get", "pod", "-n", "shop", name, "-o", "yaml"));
    String phase = ok("get", "pod", "-n", "shop", name, "-o", "jsonpath={.status.phase}");
    String logs = kubectl.run("logs", "-n", "shop", name).all();
    assertThat(phase).as("%s on %s:\n%s", name, node, logs).isEqualTo("Succeeded");
    kubectl.run("delete", "pod", "-n", "shop", name, "--wait=false");
    return logs;
  }

  interface Check {
    boolean ok() throws Exception;
  }

  interface Describe {
    String get() throws Exception;
  }

  static void awaitTrue(Check check, String what, Describe state) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e instanceof Exception ex ? ex : new Exception(e);
      }
      Thread.sleep(1000);
    }
    String s;
    try {
      s = state.get();
    } catch (Exception e) {
      s = "(" + e + ")";
    }
    throw new AssertionError(
        "no "
            + what
            + " within "
            + TIMEOUT
            + "; now:\n"
            + s
            + (last == null ? "" : "\nlast error: " + last)
            + cluster.logTails());
  }
}

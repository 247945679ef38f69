package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A directory of manifests as a user keeps them (a web app with its Deployment, Service, ConfigMap,
 * Secret and autoscaler; a CronJob; a StatefulSet with claim templates and its headless Service; a
 * CRD and a resource of it) through its life with the real kubectl: apply, diff, apply of a changed
 * copy, server-side apply, delete and apply again. The steps run in order, on one server, each
 * starting from where the one before left the cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManifestsIT {
  static final String NS = "shop";
  static final String CRD = "databasebackups.ops.example.com";
  static final List<String> FILES =
      List.of("backup.yaml", "crd.yaml", "cronjob.yaml", "statefulset.yaml", "webapp.yaml");

  /** What {@code kubectl apply -f DIR} names, in the order of the files and their documents. */
  static final List<String> OBJECTS =
      List.of(
          "databasebackup.ops.example.com/orders-db",
          "customresourcedefinition.apiextensions.k8s.io/" + CRD,
          "cronjob.batch/sales-report",
          "service/orders-db",
          "statefulset.apps/orders-db",
          "secret/orders-db-credentials",
          "configmap/storefront-config",
          "secret/storefront-credentials",
          "deployment.apps/storefront",
          "service/storefront",
          "horizontalpodautoscaler.autoscaling/storefront");

  static K8jServer server;
  static Kubectl kubectl;
  static Path manifests;
  static Path changed;

  @BeforeAll
  static void start() throws Exception {
    server = K8jServer.startControlPlane();
    kubectl = new Kubectl(server.kubeconfig());
    Path dir = Files.createTempDirectory("manifests-it");
    manifests = Files.createDirectory(dir.resolve("shop"));
    changed = Files.createDirectory(dir.resolve("shop-changed"));
    for (String f : FILES) {
      Files.writeString(manifests.resolve(f), KubectlIT.resource("manifests/" + f));
    }
    // the next release: a new image, a louder log, room to scale, two more database replicas, a
    // later report, longer backup retention, and the scrape port annotation dropped
    Map<String, Map<String, String>> edits =
        Map.of(
            "webapp.yaml",
            Map.of(
                "storefront:2.4.1", "storefront:2.5.0",
                "LOG_LEVEL: info", "LOG_LEVEL: debug",
                "maxReplicas: 10", "maxReplicas: 20",
                "        prometheus.io/port: \"9090\"\n", ""),
            "statefulset.yaml",
            Map.of("replicas: 3", "replicas: 5"),
            "cronjob.yaml",
            Map.of("\"30 2 * * *\"", "\"45 3 * * *\""),
            "backup.yaml",
            Map.of("keepLast: 4", "keepLast: 14"));
    for (String f : FILES) {
      String text = Files.readString(manifests.resolve(f));
      for (Map.Entry<String, String> e : edits.getOrDefault(f, Map.of()).entrySet()) {
        assertThat(text).as(f).contains(e.getKey());
        text = text.replace(e.getKey(), e.getValue());
      }
      Files.writeString(changed.resolve(f), text);
    }
    ok("create", "namespace", NS);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String ok(String... args) throws Exception {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out();
  }

  static String get(String what, String jsonpath) throws Exception {
    return ok("get", "-n", NS, what, "-o", "jsonpath=" + jsonpath);
  }

  /** Each object of the set with what kubectl says it did to it. */
  static List<String> each(String verb) {
    return OBJECTS.stream().map(o -> o + " " + verb).toList();
  }

  /**
   * Applies the CRD first, as its resource can only be mapped once the CRD is served (kubectl says
   * "ensure CRDs are installed first" otherwise), then the whole directory.
   */
  static String applyAll(Path dir) throws Exception {
    ok("apply", "-f", dir.resolve("crd.yaml").toString());
    ok("wait", "--for=condition=Established", "crd/" + CRD, "--timeout=60s");
    return ok("apply", "-n", NS, "-f", dir.toString());
  }

  @Test
  @Order(1)
  void applyCreatesEveryObjectAsWritten() throws Exception {
    assertThat(applyAll(manifests).lines())
        .containsExactlyElementsOf(
            OBJECTS.stream().map(o -> o + (o.contains(CRD) ? " unchanged" : " created")).toList());

    // the web app, its settings and its credentials
    assertThat(get("cm/storefront-config", "{.data.LOG_LEVEL} {.data.CACHE_TTL_SECONDS}"))
        .isEqualTo("info 300");
    assertThat(get("secret/storefront-credentials", "{.type} {.data.SESSION_KEY}"))
        .isEqualTo("Opaque NmYxYzJhOWI=");
    assertThat(get("secret/storefront-credentials", "{.stringData}")).isEmpty();
    String app = "{.spec.template.spec.containers[0]";
    assertThat(get("deploy/storefront", app + ".env[0].valueFrom.configMapKeyRef.name}"))
        .isEqualTo("storefront-config");
    assertThat(get("deploy/storefront", app + ".env[1].valueFrom.secretKeyRef.key}"))
        .isEqualTo("DATABASE_URL");
    assertThat(get("deploy/storefront", app + ".envFrom[1].secretRef.optional}")).isEqualTo("true");
    assertThat(
            get(
                "deploy/storefront",
                app + ".livenessProbe.httpGet.port}" + app + ".livenessProbe.httpGet.scheme}"))
        .isEqualTo("httpHTTP");
    // what a user left out of the probes, the volumes and the env gets upstream's defaults
    assertThat(
            get(
                "deploy/storefront",
                app
                    + ".readinessProbe.timeoutSeconds}"
                    + app
                    + ".readinessProbe.failureThreshold}"))
        .isEqualTo("13");
    assertThat(
            get(
                "deploy/storefront",
                "{.spec.template.spec.volumes[1].configMap.defaultMode}"
                    + app
                    + ".env[2].valueFrom.fieldRef.apiVersion}"))
        .isEqualTo("420v1");
    assertThat(get("deploy/storefront", app + ".resources.limits.memory}")).isEqualTo("512Mi");
    assertThat(get("deploy/storefront", "{.spec.strategy.rollingUpdate.maxUnavailable}"))
        .isEqualTo("0");
    assertThat(get("svc/storefront", "{.spec.ports[0].targetPort} {.spec.clusterIP}"))
        .startsWith("proxy 10.43.");

    // the autoscaler keeps every metric and behaviour of autoscaling/v2
    assertThat(get("hpa/storefront", "{.spec.scaleTargetRef.kind}/{.spec.scaleTargetRef.name}"))
        .isEqualTo("Deployment/storefront");
    assertThat(
            get(
                "hpa/storefront",
                "{.spec.metrics[0].resource.target.averageUtilization}"
                    + " {.spec.metrics[1].resource.target.averageValue}"))
        .isEqualTo("70 400Mi");
    assertThat(
            get(
                "hpa/storefront",
                "{.spec.behavior.scaleDown.stabilizationWindowSeconds}"
                    + " {.spec.behavior.scaleUp.selectPolicy}"
                    + " {.spec.behavior.scaleUp.policies[*].type}"))
        .isEqualTo("300 Max Pods Percent");

    // the database: headless, one claim per replica from each template
    assertThat(get("svc/orders-db", "{.spec.clusterIP}")).isEqualTo("None");
    assertThat(get("sts/orders-db", "{.spec.volumeClaimTemplates[*].metadata.name}"))
        .isEqualTo("data wal");
    assertThat(
            get(
                "sts/orders-db",
                "{.spec.volumeClaimTemplates[0].spec.resources.requests.storage}"
                    + " {.spec.volumeClaimTemplates[0].spec.storageClassName}"
                    + " {.spec.volumeClaimTemplates[1].spec.accessModes[0]}"))
        .isEqualTo("10Gi standard ReadWriteOnce");
    assertThat(get("sts/orders-db", "{.spec.serviceName} {.spec.replicas}"))
        .isEqualTo("orders-db 3");
    // each template served as upstream does: a claim of v1 with a claim's defaults
    assertThat(
            get(
                "sts/orders-db",
                "{.spec.volumeClaimTemplates[1].apiVersion} {.spec.volumeClaimTemplates[1].kind}"
                    + " {.spec.volumeClaimTemplates[1].spec.volumeMode}"
                    + " {.spec.volumeClaimTemplates[1].status.phase}"))
        .isEqualTo("v1 PersistentVolumeClaim Filesystem Pending");

    assertThat(get("cj/sales-report", "{.spec.schedule}|{.spec.timeZone}|{.spec.suspend}"))
        .isEqualTo("30 2 * * *|Etc/UTC|false");
    assertThat(get("cj/sales-report", "{.spec.jobTemplate.spec.template.spec.restartPolicy}"))
        .isEqualTo("OnFailure");

    // the custom resource: as written, with the schema's defaults filled in
    assertThat(
            get(
                "dbb/orders-db",
                "{.spec.database.statefulSet} {.spec.retention.keepLast} {.spec.compression}"))
        .isEqualTo("orders-db 4 zstd");
    assertThat(ok("get", "-n", NS, "databasebackups").lines().map(l -> l.split("\\s+")))
        .containsExactly(
            new String[] {"NAME", "DATABASE", "SCHEDULE", "KEEP", "LAST", "BACKUP"},
            new String[] {"orders-db", "orders-db", "0", "*/6", "*", "*", "*", "4", "<none>"});
  }

  @Test
  @Order(2)
  void diffAfterApplyShowsNothing() throws Exception {
    Kubectl.Result diff = kubectl.run("diff", "-n", NS, "-f", manifests.toString());
    assertThat(diff.exitCode()).as(diff.all()).isZero();
    assertThat(diff.all()).isEmpty();
  }

  @Test
  @Order(3)
  void diffOfAChangedCopyShowsEachChangeAndStoresNothing() throws Exception {
    Kubectl.Result diff = kubectl.run("diff", "-n", NS, "-f", changed.toString());
    assertThat(diff.exitCode()).as(diff.all()).isEqualTo(1);
    assertThat(diff.out())
        .contains(
            "-        image: registry.example.com/shop/storefront:2.4.1",
            "+        image: registry.example.com/shop/storefront:2.5.0",
            "-        prometheus.io/port: \"9090\"",
            "-  LOG_LEVEL: info",
            "+  LOG_LEVEL: debug",
            "-  maxReplicas: 10",
            "+  maxReplicas: 20",
            "-  replicas: 3",
            "+  replicas: 5",
            "-  schedule: 30 2 * * *",
            "+  schedule: 45 3 * * *",
            "-    keepLast: 4",
            "+    keepLast: 14");
    // the objects left alone are not in the diff
    assertThat(diff.out())
        .doesNotContain("v1.Service.shop.orders-db", "v1.Secret.shop.orders-db-credentials");

    assertThat(get("deploy/storefront", "{.spec.template.spec.containers[0].image}"))
        .endsWith(":2.4.1");
    assertThat(get("hpa/storefront", "{.spec.maxReplicas}")).isEqualTo("10");
    assertThat(get("dbb/orders-db", "{.spec.retention.keepLast}")).isEqualTo("4");
    assertThat(get("cm/storefront-config", "{.data.LOG_LEVEL}")).isEqualTo("info");
    assertThat(get("sts/orders-db", "{.spec.replicas} {.metadata.generation}")).isEqualTo("3 1");
  }

  @Test
  @Order(4)
  void applyOfTheChangedCopyUpdatesWhatChanged() throws Exception {
    String out = applyAll(changed);
    assertThat(out)
        .contains(
            "deployment.apps/storefront configured",
            "configmap/storefront-config configured",
            "horizontalpodautoscaler.autoscaling/storefront configured",
            "statefulset.apps/orders-db configured",
            "cronjob.batch/sales-report configured",
            "databasebackup.ops.example.com/orders-db configured",
            "service/storefront unchanged",
            "service/orders-db unchanged",
            "secret/orders-db-credentials unchanged");

    assertThat(get("deploy/storefront", "{.spec.template.spec.containers[0].image}"))
        .endsWith(":2.5.0");
    assertThat(get("deploy/storefront", "{.spec.template.metadata.annotations}"))
        .contains("prometheus.io/scrape")
        .doesNotContain("prometheus.io/port");
    assertThat(get("hpa/storefront", "{.spec.maxReplicas}")).isEqualTo("20");
    assertThat(get("dbb/orders-db", "{.spec.retention.keepLast}")).isEqualTo("14");
    assertThat(get("cm/storefront-config", "{.data.LOG_LEVEL}")).isEqualTo("debug");
    assertThat(get("sts/orders-db", "{.spec.replicas} {.metadata.generation}")).isEqualTo("5 2");
    assertThat(get("cj/sales-report", "{.spec.schedule}")).isEqualTo("45 3 * * *");

    Kubectl.Result diff = kubectl.run("diff", "-n", NS, "-f", changed.toString());
    assertThat(diff.exitCode()).as(diff.all()).isZero();
  }

  @Test
  @Order(5)
  void serverSideApplyOfTheSameSetTakesItOver() throws Exception {
    // the claim templates are an atomic list, stored with the defaults of a claim the
    // last-applied configuration does not have: as upstream, kubectl's take-over from client-side
    // apply does not cover them, and the user forces it
    Kubectl.Result first =
        kubectl.run("apply", "--server-side", "-n", NS, "-f", changed.toString());
    assertThat(first.exitCode()).as(first.all()).isNotZero();
    assertThat(first.out().lines())
        .containsExactlyElementsOf(
            each("serverside-applied").stream().filter(l -> !l.startsWith("statefulset")).toList());
    assertThat(first.err())
        .contains(
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using"
                + " apps/v1: .spec.volumeClaimTemplates");
    assertThat(
            ok("apply", "--server-side", "--force-conflicts", "-n", NS, "-f", changed.toString())
                .lines())
        .containsExactlyElementsOf(each("serverside-applied"));
    assertThat(get("hpa/storefront", "{.spec.maxReplicas}")).isEqualTo("20");
    assertThat(get("sts/orders-db", "{.spec.replicas} {.metadata.generation}")).isEqualTo("5 2");
    // kubectl owns what it applied; client-side apply owns nothing any more
    for (String o : List.of("deploy/storefront", "sts/orders-db", "dbb/orders-db")) {
      String managers =
          get(o, "{range .metadata.managedFields[*]}{.manager}/{.operation}{\"\\n\"}{end}");
      assertThat(managers.lines()).as(o).contains("kubectl/Apply");
      assertThat(managers).as(o).doesNotContain("kubectl-client-side-apply");
    }
    Kubectl.Result diff = kubectl.run("diff", "--server-side", "-n", NS, "-f", changed.toString());
    assertThat(diff.exitCode()).as(diff.all()).isZero();
  }

  @Test
  @Order(6)
  void deleteRemovesEverythingAndTheSetAppliesAgain() throws Exception {
    // the custom resource comes before its CRD in the files, so it is gone before the CRD goes
    assertThat(ok("delete", "-n", NS, "-f", changed.toString()).lines())
        .containsExactlyElementsOf(
            OBJECTS.stream().map(o -> o.replaceFirst("/(.*)", " \"$1\"") + " deleted").toList());
    for (String o : OBJECTS.subList(1, OBJECTS.size())) {
      Kubectl.Result r = kubectl.run("get", "-n", NS, o);
      assertThat(r.exitCode()).as(o).isNotZero();
      assertThat(r.err()).as(o).contains("(NotFound)");
    }
    // with its CRD went the resource type itself
    assertThat(kubectl.run("get", "-n", NS, OBJECTS.get(0)).err())
        .contains("the server doesn't have a resource type \"databasebackup\"");
    assertThat(kubectl.run("get", "--raw", "/apis/ops.example.com/v1").err()).contains("NotFound");
    // what the controllers made from the set goes with it
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(ok("get", "-n", NS, "rs,pods", "-o", "name"))
                    .doesNotContain("storefront"));

    assertThat(applyAll(manifests).lines())
        .containsExactlyElementsOf(
            OBJECTS.stream().map(o -> o + (o.contains(CRD) ? " unchanged" : " created")).toList());
    assertThat(get("dbb/orders-db", "{.spec.retention.keepLast}")).isEqualTo("4");
    assertThat(get("hpa/storefront", "{.spec.maxReplicas}")).isEqualTo("10");
    Kubectl.Result diff = kubectl.run("diff", "-n", NS, "-f", manifests.toString());
    assertThat(diff.exitCode()).as(diff.all()).isZero();
  }
}

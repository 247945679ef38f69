package io.k8j.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.admission.AdmissionChain;
import io.k8j.apiserver.admission.AdmissionPlugin;
import io.k8j.apiserver.admission.DefaultTolerationSeconds;
import io.k8j.apiserver.admission.LimitRanger;
import io.k8j.apiserver.admission.NodeRestriction;
import io.k8j.apiserver.admission.PodSecurity;
import io.k8j.apiserver.admission.PodSecurityConfiguration;
import io.k8j.apiserver.admission.PriorityAdmission;
import io.k8j.apiserver.admission.QuotaController;
import io.k8j.apiserver.admission.ResourceQuotaAdmission;
import io.k8j.apiserver.admission.ServiceAccountAdmission;
import io.k8j.apiserver.audit.AuditLog;
import io.k8j.apiserver.audit.AuditPolicy;
import io.k8j.apiserver.audit.Auditor;
import io.k8j.apiserver.auth.AdminCredentials;
import io.k8j.apiserver.auth.Authenticator;
import io.k8j.apiserver.auth.Authorizer;
import io.k8j.apiserver.auth.BootstrapTokenAuthenticator;
import io.k8j.apiserver.auth.ClusterPki;
import io.k8j.apiserver.auth.Identity;
import io.k8j.apiserver.auth.NodeAuthorizer;
import io.k8j.apiserver.auth.ObjectLookup;
import io.k8j.apiserver.auth.ServiceAccountTokens;
import io.k8j.apiserver.auth.TokenFile;
import io.k8j.apiserver.auth.rbac.BootstrapPolicy;
import io.k8j.apiserver.auth.rbac.EscalationCheck;
import io.k8j.apiserver.auth.rbac.RbacAuthorizer;
import io.k8j.apiserver.auth.rbac.RbacObjects;
import io.k8j.apiserver.crd.CrdController;
import io.k8j.apiserver.crd.CustomResourceDefinitions;
import io.k8j.apiserver.crd.CustomResourceScale;
import io.k8j.apiserver.discovery.Discovery;
import io.k8j.apiserver.encryption.EncryptingStore;
import io.k8j.apiserver.encryption.EncryptionConfiguration;
import io.k8j.apiserver.http.ApiHandler;
import io.k8j.apiserver.http.ApiMetrics;
import io.k8j.apiserver.http.Bodies;
import io.k8j.apiserver.http.FieldManagement;
import io.k8j.apiserver.http.FieldValidator;
import io.k8j.apiserver.http.HttpsServer;
import io.k8j.apiserver.http.MainSubresources;
import io.k8j.apiserver.http.PodStreamProxy;
import io.k8j.apiserver.http.RequestInfo;
import io.k8j.apiserver.http.ResourceHandler;
import io.k8j.apiserver.http.Responses;
import io.k8j.apiserver.http.ReviewHandler;
import io.k8j.apiserver.http.ScaleSubresource;
import io.k8j.apiserver.http.SubresourceHandler;
import io.k8j.apiserver.http.WatchStreamer;
import io.k8j.apiserver.kubelet.KubeletClient;
import io.k8j.apiserver.metrics.MetricsApi;
import io.k8j.apiserver.metrics.MetricsScraper;
import io.k8j.apiserver.openapi.ComponentSchemas;
import io.k8j.apiserver.openapi.ModelDocs;
import io.k8j.apiserver.openapi.ModelSchemas;
import io.k8j.apiserver.openapi.OpenApiV3;
import io.k8j.apiserver.registry.Compactor;
import io.k8j.apiserver.registry.Leases;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceLister;
import io.k8j.apiserver.registry.ResourceRegistry;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.Subresource;
import io.k8j.apiserver.registry.certificates.CertificateSigningRequests;
import io.k8j.apiserver.registry.core.Bootstrap;
import io.k8j.apiserver.registry.core.NamespaceAdmission;
import io.k8j.apiserver.registry.core.PodLogs;
import io.k8j.apiserver.registry.core.PodSubresources;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import io.k8j.apiserver.registry.core.TokenRequests;
import io.k8j.apiserver.registry.scheduling.PriorityClasses;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.apiserver.watchcache.WatchCaches;
import io.k8j.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API server over a {@link Store}: HTTPS on one port, serving every resource of
 * {@link Resources}, with discovery, OpenAPI, health and metrics. {@link #start()} creates (or
 * reuses) the certificates and the admin kubeconfig under the data dir, fills the watch caches,
 * creates the system namespaces and the {@code kubernetes} Service, and starts listening.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final int WATCH_HISTORY = 1000;
  private static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(60);
  private static final java.time.Duration QUOTA_RESYNC = java.time.Duration.ofSeconds(10);

  /** How often the kubelets' resource metrics are scraped (metrics-server's default). */
  private static final java.time.Duration METRICS_RESOLUTION = java.time.Duration.ofSeconds(15);

  private Store store;
  private final ApiServerOptions options;
  private final Map<String, ServedResource> served = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, List<ResourceDef>> customDefs = new HashMap<>();
  private final Map<String, SubresourceHandler> subresources =
      new java.util.concurrent.ConcurrentHashMap<>();
  private ResourceRegistry registry;

  /** What discovery lists: the registry's resources and the metrics API's. */
  private ResourceRegistry discoveryRegistry;

  private NamespaceAdmission namespaces;
  private Leases leases;
  private AdmissionChain admission;
  private MainSubresources mainSubresources;
  private CrdController crdController;
  private WatchCaches caches;
  private HttpsServer http;
  private Thread bookmarks;
  private Compactor compactor;
  private QuotaController quotas;
  private AuditLog auditLog;
  private volatile boolean ready;
  private volatile ClusterPki pki;
  private KubeletClient kubelets;
  private MetricsScraper scraper;
  private volatile ServiceAccountTokens serviceAccountTokens;

  public ApiServer(Store store, ApiServerOptions options) {
    this.store = store;
    this.options = options;
  }

  public synchronized void start() throws Exception {
    Path pkiDir = options.dataDir().resolve("pki");
    pki = ClusterPki.loadOrCreate(pkiDir, servingNames());
    AdminCredentials admin = AdminCredentials.loadOrCreate(pkiDir);
    ObjectLookup lookup = this::lookup;
    serviceAccountTokens =
        new ServiceAccountTokens(
            pki.serviceAccountKeys(),
            List.of(ServiceAccountTokens.ISSUER),
            lookup,
            options.clock());
    Authenticator authenticator =
        new Authenticator(
            pki,
            TokenFile.read(pkiDir.resolve("tokens.csv")).with(admin.token(), admin.user()),
            List.of(
                new BootstrapTokenAuthenticator(lookup, options.clock()), serviceAccountTokens));
    ServiceAllocator allocator =
        new ServiceAllocator(options.serviceCidr(), ServiceAllocator.inStore(store));
    List<ResourceDef> builtIn = new java.util.ArrayList<>(Resources.all(allocator));
    builtIn.add(CustomResourceDefinitions.definition(options.clock()));
    registry = new ResourceRegistry(builtIn);
    discoveryRegistry =
        new ResourceRegistry(
            java.util.stream.Stream.concat(builtIn.stream(), MetricsApi.definitions().stream())
                .toList());
    if (options.encryptionProviderConfig() != null) {
      store = encrypting(store, registry, options.encryptionProviderConfig());
    }

    caches = new WatchCaches(store, registry.storagePrefixes(), WATCH_HISTORY);
    caches.start();
    namespaces = new NamespaceAdmission(store);
    leases = new Leases(store, options.clock());
    admission = admissionChain();
    for (ResourceDef d : registry.all()) {
      served.put(
          key(d.group(), d.version(), d.plural()),
          new ServedResource(
              d,
              new ResourceStore(d, store, options.clock(), namespaces, leases, admission),
              new ResourceLister(d, store, caches.cache(d.storagePrefix())),
              caches.cache(d.storagePrefix())));
    }
    namespaces.use(served.get(key("", "v1", "namespaces")));
    Bootstrap.restoreAllocator(served.get(key("", "v1", "services")), allocator);

    RbacAuthorizer rbac = new RbacAuthorizer(rbacObjects());
    Authorizer authorizer = Authorizer.union(nodeAuthorizer(), rbac);
    admission.use(admissionPlugins(authorizer, rbac));
    ModelSchemas schemas = new ModelSchemas();
    FieldValidator validator = new FieldValidator(schemas);
    kubelets = new KubeletClient(pki, this::node);
    FieldManagement fields = new FieldManagement(options.clock(), validator);
    ResourceHandler resources =
        new ResourceHandler(
            info -> served.get(key(info.group(), info.version(), info.resource())),
            new WatchStreamer(),
            subresources(validator, fields),
            validator,
            fields);
    ApiMetrics metrics = new ApiMetrics(caches::watcherCount);
    OpenApiV3 openApi = new OpenApiV3(registry, new ComponentSchemas(schemas, ModelDocs.load()));
    ApiHandler handler =
        new ApiHandler(
            authenticator,
            authorizer,
            new Discovery(discoveryRegistry),
            openApi,
            resources,
            new ReviewHandler(authorizer, rbac, authenticator),
            auditor(),
            metrics,
            this::isReady,
            options.maxInFlight(),
            options.advertiseAddress() + ":" + options.securePort(),
            REQUEST_TIMEOUT);
    ServedResource nodes = served.get(key("", "v1", "nodes"));
    scraper =
        new MetricsScraper(
            kubelets,
            () -> nodes.lister().list("", ListOptions.all()).items(),
            options.clock(),
            METRICS_RESOLUTION);
    handler.serveGroup(
        MetricsApi.GROUP,
        new MetricsApi(scraper, nodes, served.get(key("", "v1", "pods")))::handle);
    handler.serveDocument(
        "/.well-known/openid-configuration", serviceAccountTokens::openIdConfiguration);
    handler.serveDocument("/openid/v1/jwks", serviceAccountTokens::jwks);
    http =
        new HttpsServer(
            options.bindAddress(),
            options.securePort(),
            pki.keyStore(),
            new char[0],
            pki.trustStore(),
            handler);
    http.start();
    Bootstrap.run(
        served.get(key("", "v1", "namespaces")).store(),
        served.get(key("", "v1", "services")).store(),
        served.get(key("", "v1", "endpoints")).store(),
        served.get(key("discovery.k8s.io", "v1", "endpointslices")).store(),
        allocator,
        options.advertiseAddress(),
        http.port());
    PriorityClasses.ensureBuiltIns(served(PriorityClasses.GROUP, PriorityClasses.PLURAL).store());
    BootstrapPolicy.ensure(
        served.get(key("rbac.authorization.k8s.io", "v1", "clusterroles")).store(),
        served.get(key("rbac.authorization.k8s.io", "v1", "clusterrolebindings")).store());
    pki.writeKubeconfig(Identity.ADMIN, url(), admin.token(), options.kubeconfig());
    crdController = new CrdController(new CustomResourceServing(), options.clock());
    crdController.start();
    startBookmarks(registry);
    compactor = new Compactor(store, options.clock(), options.compactionInterval());
    compactor.start();
    quotas = new QuotaController(this::served, options.clock(), QUOTA_RESYNC);
    quotas.start();
    scraper.start();
    ready = true;
    Thread.ofVirtual().name("openapi-warm-up").start(openApi::warmUp);
    LOG.info("API server listening on {} (kubeconfig {})", url(), options.kubeconfig());
  }

  /**
   * The admission plugins, in upstream's order (NamespaceLifecycle runs inside the store, before
   * these). They find the resources they read through {@link #served(String, String)}, filled once
   * the stores exist.
   */
  private static AdmissionChain admissionChain() {
    return new AdmissionChain(List.of());
  }

  /** Upstream's order: NamespaceLifecycle (in the store), then these; ResourceQuota last. */
  private List<AdmissionPlugin> admissionPlugins(Authorizer authorizer, RbacAuthorizer rbac) {
    ServedResource limitRanges = served("", "limitranges");
    ServedResource namespaces = served("", "namespaces");
    ServedResource pods = served("", "pods");
    List<AdmissionPlugin> plugins = new ArrayList<>();
    plugins.add(
        new LimitRanger(
            ns -> limitRanges.cache().list(limitRanges.def().listPrefix(ns), o -> true).items()));
    if (options.serviceAccountAdmission()) {
      plugins.add(new ServiceAccountAdmission(this::lookup));
    }
    plugins.addAll(
        List.of(
            new NodeRestriction(),
            new PriorityAdmission(() -> served(PriorityClasses.GROUP, PriorityClasses.PLURAL)),
            new PodSecurity(
                ns -> namespaces.cache().get(namespaces.def().key("", ns)),
                ns -> pods.cache().list(pods.def().listPrefix(ns), o -> true).items(),
                podSecurityConfiguration()),
            new DefaultTolerationSeconds(),
            new EscalationCheck(authorizer, rbac),
            new ResourceQuotaAdmission(this::served)));
    return plugins;
  }

  /** PodSecurity's part of {@code --admission-control-config-file}, or upstream's defaults. */
  private PodSecurityConfiguration podSecurityConfiguration() {
    Path file = options.admissionControlConfigFile();
    if (file == null) {
      return PodSecurityConfiguration.DEFAULT;
    }
    try {
      PodSecurityConfiguration c = PodSecurityConfiguration.read(file);
      LOG.info("PodSecurity configured by {}: {}", file, c);
      return c;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The store with the resources the EncryptionConfiguration names encrypted. */
  private static Store encrypting(Store store, ResourceRegistry registry, Path configFile)
      throws java.io.IOException {
    EncryptionConfiguration config = EncryptionConfiguration.read(configFile);
    Map<String, List<io.k8j.apiserver.encryption.Provider>> byPrefix = new HashMap<>();
    for (ResourceDef d : registry.all()) {
      var providers = config.providersFor(d.group(), d.plural());
      if (providers != null && d.verbs().contains("get")) {
        byPrefix.put(d.storagePrefix(), providers);
      }
    }
    LOG.info("encryption at rest: {} under {}", configFile, byPrefix.keySet());
    return new EncryptingStore(store, byPrefix);
  }

  /** The Node authorizer over the pods and claims the watch caches hold. */
  private NodeAuthorizer nodeAuthorizer() {
    WatchCache pods = served("", "pods").cache();
    WatchCache claims = served("", "persistentvolumeclaims").cache();
    return new NodeAuthorizer(
        ns -> pods.list(ns.isEmpty() ? pods.prefix() : pods.prefix() + ns + "/", o -> true).items(),
        (ns, name) -> claims.get(claims.prefix() + ns + "/" + name));
  }

  /** The auditor the audit flags ask for, or null. */
  private Auditor auditor() throws java.io.IOException {
    ApiServerOptions.AuditOptions a = options.audit();
    if (!a.enabled()) {
      return null;
    }
    auditLog =
        new AuditLog(
            a.logPath(), a.maxSizeMegabytes() * 1024L * 1024L, a.maxAgeDays(), a.maxBackups());
    LOG.info("audit: policy {}, log {}", a.policyFile(), a.logPath());
    return new Auditor(AuditPolicy.read(a.policyFile()), auditLog, options.clock());
  }

  /** The served resource of {@code group}/{@code plural} in its first version, or null. */
  private ServedResource served(String group, String plural) {
    for (ResourceDef d : registry.all()) {
      if (d.group().equals(group) && d.plural().equals(plural)) {
        return served.get(key(d.group(), d.version(), d.plural()));
      }
    }
    return null;
  }

  private Map<String, SubresourceHandler> subresources(
      FieldValidator validator, FieldManagement fields) {
    Map<String, SubresourceHandler> subs = subresources;
    MainSubresources main = new MainSubresources(validator, fields);
    mainSubresources = main;
    ScaleSubresource scale = new ScaleSubresource();
    for (ResourceDef d : registry.all()) {
      for (Subresource s : d.subresources()) {
        if (s.name().equals("status") || s.name().equals("finalize")) {
          subs.put(d.plural() + "/" + s.name(), main::handle);
        } else if (s.name().equals("scale")) {
          subs.put(d.plural() + "/scale", scale::handle);
        }
      }
    }
    TokenRequests tokenRequests =
        new TokenRequests(serviceAccountTokens, this::lookup, options.clock());
    subs.put(
        "serviceaccounts/token",
        (ex, info, choice, r, ns, name) -> {
          requireCreate(info);
          ObjectNode out =
              tokenRequests.create(
                  r.store(), ns, name, Bodies.object(ex.body(), ex.header("Content-Type")));
          Responses.document(ex, choice, 201, out);
        });
    subs.put(
        "certificatesigningrequests/approval",
        (ex, info, choice, r, ns, name) -> {
          if (info.verb().equals("get")) {
            Responses.object(ex, choice, r.def(), 200, r.store().get("", name));
            return;
          }
          if (!info.verb().equals("update")) {
            throw io.k8j.apiserver.http.ApiException.methodNotAllowed(
                "the server does not allow this method on the requested resource");
          }
          ObjectNode out =
              CertificateSigningRequests.approve(
                  r.store(),
                  name,
                  Bodies.object(ex.body(), ex.header("Content-Type")),
                  "All".equals(ex.query("dryRun")));
          Responses.object(ex, choice, r.def(), 200, out);
        });
    PodSubresources pods = new PodSubresources(options.clock());
    subs.put(
        "pods/binding",
        (ex, info, choice, r, ns, name) -> {
          requireCreate(info);
          pods.bind(r.store(), ns, name, Bodies.object(ex.body(), ex.header("Content-Type")));
          Responses.document(ex, choice, 201, successStatus());
        });
    subs.put(
        "pods/eviction",
        (ex, info, choice, r, ns, name) -> {
          requireCreate(info);
          pods.evict(
              r.store(),
              served.get(key("policy", "v1", "poddisruptionbudgets")),
              ns,
              name,
              Bodies.object(ex.body(), ex.header("Content-Type")));
          Responses.document(ex, choice, 201, successStatus());
        });
    PodLogs logs = new PodLogs(kubelets);
    subs.put(
        "pods/log",
        (ex, info, choice, r, ns, name) -> {
          if (!info.verb().equals("get")) {
            throw io.k8j.apiserver.http.ApiException.methodNotAllowed(
                "the server does not allow this method on the requested resource");
          }
          logs.serve(ex, r.store(), ns, name);
        });
    PodStreamProxy streams = new PodStreamProxy(kubelets);
    for (String s : List.of("exec", "attach", "portforward")) {
      subs.put("pods/" + s, streams::handle);
    }
    return subs;
  }

  /** The Node of a name as the watch cache holds it, or null. */
  private ObjectNode node(String name) {
    ServedResource nodes = served.get(key("", "v1", "nodes"));
    return nodes.cache().get(nodes.def().key("", name));
  }

  /** A core (v1) object as stored now, or null: what the token authenticators check against. */
  private ObjectNode lookup(String resource, String namespace, String name) {
    ServedResource r = served.get(key("", "v1", resource));
    try {
      return r.store().get(namespace, name);
    } catch (io.k8j.apiserver.http.ApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** Issues and verifies service-account tokens (available once {@link #start} ran). */
  public ServiceAccountTokens serviceAccountTokens() {
    return serviceAccountTokens;
  }

  /** Serves the resources of CRDs: routes, storage, watch caches and subresources. */
  private final class CustomResourceServing implements CrdController.Serving {
    @Override
    public synchronized List<ServedResource> serve(String owner, List<ResourceDef> defs) {
      List<ResourceDef> old = customDefs.getOrDefault(owner, List.of());
      for (ResourceDef d : old) {
        served.remove(key(d.group(), d.version(), d.plural()));
      }
      registry.replace(owner, defs);
      discoveryRegistry.replace(owner, defs);
      List<ServedResource> out = new java.util.ArrayList<>();
      for (ResourceDef d : defs) {
        WatchCache cache = caches.add(d.storagePrefix());
        ServedResource r =
            new ServedResource(
                d,
                new ResourceStore(d, store, options.clock(), namespaces, leases, admission),
                new ResourceLister(d, store, cache),
                cache);
        served.put(key(d.group(), d.version(), d.plural()), r);
        if (d.hasStatus()) {
          subresources.put(d.plural() + "/status", mainSubresources::handle);
        }
        if (d.subresource("scale").isPresent()) {
          subresources.put(d.plural() + "/scale", new CustomResourceScale(this::crds)::handle);
        }
        out.add(r);
      }
      for (ResourceDef d : old) {
        if (defs.stream().noneMatch(n -> n.storagePrefix().equals(d.storagePrefix()))) {
          caches.remove(d.storagePrefix());
        }
      }
      if (defs.isEmpty()) {
        customDefs.remove(owner);
      } else {
        customDefs.put(owner, defs);
      }
      return out;
    }

    @Override
    public synchronized List<ServedResource> served(String owner) {
      List<ServedResource> out = new java.util.ArrayList<>();
      for (ResourceDef d : customDefs.getOrDefault(owner, List.of())) {
        ServedResource r = served.get(key(d.group(), d.version(), d.plural()));
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }

    @Override
    public ServedResource crds() {
      return served.get(key(CustomResourceDefinitions.GROUP, "v1", "customresourcedefinitions"));
    }
  }

  private static void requireCreate(RequestInfo info) {
    if (!info.verb().equals("create")) {
      throw io.k8j.apiserver.http.ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
  }

  private static ObjectNode successStatus() {
    ObjectNode s = Json.object().put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    return s.put("status", "Success").put("code", 201);
  }

  private void startBookmarks(ResourceRegistry registry) {
    Map<String, String[]> kinds = new LinkedHashMap<>();
    for (ResourceDef d : registry.all()) {
      kinds.putIfAbsent(d.storagePrefix(), new String[] {d.apiVersion(), d.kind()});
    }
    bookmarks =
        Thread.ofVirtual()
            .name("watch-bookmarks")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      options.clock().sleep(options.bookmarkInterval());
                    } catch (InterruptedException e) {
                      return;
                    }
                    caches.bookmark(kinds);
                  }
                });
  }

  private boolean isReady() {
    if (!ready) {
      return false;
    }
    try {
      store.currentRevision();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The port the server listens on (useful when started on port 0). */
  public int port() {
    return http.port();
  }

  /** The server's URL as the admin kubeconfig has it. */
  /**
   * The cluster PKI (available once {@link #start} ran): {@code pki().writeKubeconfig(identity,
   * url(), file)} gives a component its own client-certificate kubeconfig.
   */
  public ClusterPki pki() {
    return pki;
  }

  /** The RBAC objects as the watch caches hold them, for the authorizer. */
  private RbacObjects rbacObjects() {
    WatchCache roles = served.get(key("rbac.authorization.k8s.io", "v1", "roles")).cache();
    WatchCache bindings =
        served.get(key("rbac.authorization.k8s.io", "v1", "rolebindings")).cache();
    WatchCache clusterRoles =
        served.get(key("rbac.authorization.k8s.io", "v1", "clusterroles")).cache();
    WatchCache clusterBindings =
        served.get(key("rbac.authorization.k8s.io", "v1", "clusterrolebindings")).cache();
    return new RbacObjects() {
      @Override
      public List<ObjectNode> clusterRoles() {
        return clusterRoles.list(clusterRoles.prefix(), o -> true).items();
      }

      @Override
      public List<ObjectNode> clusterRoleBindings() {
        return clusterBindings.list(clusterBindings.prefix(), o -> true).items();
      }

      @Override
      public List<ObjectNode> roleBindings(String namespace) {
        return bindings.list(bindings.prefix() + namespace + "/", o -> true).items();
      }

      @Override
      public ObjectNode role(String namespace, String name) {
        return roles.get(roles.prefix() + namespace + "/" + name);
      }
    };
  }

  /** What the serving certificate names besides the fixed names: service IP, node addresses. */
  private List<String> servingNames() {
    List<String> names = new java.util.ArrayList<>();
    names.add(new ServiceAllocator(options.serviceCidr()).firstIp());
    names.add(options.advertiseAddress());
    if (!options.bindAddress().equals("0.0.0.0") && !options.bindAddress().equals("::")) {
      names.add(options.bindAddress());
    }
    try {
      names.add(java.net.InetAddress.getLocalHost().getHostName());
      for (java.net.NetworkInterface nic :
          java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
            names.add(a.getHostAddress());
          }
        }
      }
    } catch (java.io.IOException e) {
      LOG.warn("could not list the host's names for the serving certificate: {}", e.toString());
    }
    return names;
  }

  public String url() {
    return "https://127.0.0.1:" + port();
  }

  private static String key(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }

  @Override
  public synchronized void close() throws Exception {
    ready = false;
    if (bookmarks != null) {
      bookmarks.interrupt();
    }
    if (compactor != null) {
      compactor.close();
    }
    if (quotas != null) {
      quotas.close();
    }
    if (auditLog != null) {
      auditLog.close();
    }
    if (scraper != null) {
      scraper.close();
    }
    if (crdController != null) {
      crdController.close();
    }
    if (caches != null) {
      caches.close();
    }
    if (http != null) {
      http.close();
    }
  }
}

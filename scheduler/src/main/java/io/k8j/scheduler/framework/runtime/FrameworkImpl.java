package io.k8j.scheduler.framework.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.scheduler.config.ExtensionPoint;
import io.k8j.scheduler.config.PluginRef;
import io.k8j.scheduler.config.PluginSet;
import io.k8j.scheduler.config.Profile;
import io.k8j.scheduler.framework.BindPlugin;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.NodeToStatus;
import io.k8j.scheduler.framework.Parallelizer;
import io.k8j.scheduler.framework.PermitPlugin;
import io.k8j.scheduler.framework.Plugin;
import io.k8j.scheduler.framework.PluginFactory;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.PostFilterPlugin;
import io.k8j.scheduler.framework.PostFilterResult;
import io.k8j.scheduler.framework.PreBindPlugin;
import io.k8j.scheduler.framework.PreEnqueuePlugin;
import io.k8j.scheduler.framework.PreFilterPlugin;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.PreScorePlugin;
import io.k8j.scheduler.framework.QueueSortPlugin;
import io.k8j.scheduler.framework.ReservePlugin;
import io.k8j.scheduler.framework.ScorePlugin;
import io.k8j.scheduler.framework.SharedLister;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.WaitingPod;
import io.k8j.scheduler.util.PodApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * One profile's framework: its plugins instantiated once and placed at their extension points as
 * upstream's {@code frameworkImpl} places them (point-specific sets first, then the multi-point
 * ones), and the runs of each extension point. Also the {@link Handle} its plugins hold.
 */
public final class FrameworkImpl implements Handle {
  private final String schedulerName;
  private final Integer percentageOfNodesToScore;
  private final FrameworkContext ctx;
  private final Map<String, Plugin> plugins = new LinkedHashMap<>();
  private final WaitingPods waitingPods;

  private QueueSortPlugin queueSort;
  private final List<PreEnqueuePlugin> preEnqueue = new ArrayList<>();
  private final List<PreFilterPlugin> preFilter = new ArrayList<>();
  private final List<FilterPlugin> filter = new ArrayList<>();
  private final List<PostFilterPlugin> postFilter = new ArrayList<>();
  private final List<PreScorePlugin> preScore = new ArrayList<>();
  private final List<ScorePlugin> score = new ArrayList<>();
  private final Map<String, Integer> scoreWeights = new HashMap<>();
  private final List<ReservePlugin> reserve = new ArrayList<>();
  private final List<PermitPlugin> permit = new ArrayList<>();
  private final List<PreBindPlugin> preBind = new ArrayList<>();
  private final List<BindPlugin> bind = new ArrayList<>();

  private FrameworkImpl(Profile profile, FrameworkContext ctx) {
    this.schedulerName = profile.schedulerName();
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore();
    this.ctx = ctx;
    this.waitingPods = new WaitingPods(ctx.timer());
  }

  /**
   * Instantiates the profile's plugins from the registry.
   *
   * @throws IllegalArgumentException when a plugin does not exist, does not implement an extension
   *     point it is enabled at, is enabled twice, or its args are invalid
   */
  public static FrameworkImpl create(
      Profile profile, Map<String, PluginFactory> registry, FrameworkContext ctx) {
    FrameworkImpl f = new FrameworkImpl(profile, ctx);
    f.instantiate(profile, registry);
    f.placeAll(profile);
    f.weigh(profile);
    if (f.queueSort == null) {
      throw new IllegalArgumentException(
          "profile \"" + profile.schedulerName() + "\": one queue sort plugin required");
    }
    if (f.bind.isEmpty()) {
      throw new IllegalArgumentException(
          "profile \"" + profile.schedulerName() + "\": at least one bind plugin is needed");
    }
    return f;
  }

  private void instantiate(Profile profile, Map<String, PluginFactory> registry) {
    Set<String> needed = new LinkedHashSet<>();
    profile.plugins().multiPoint().enabled().forEach(p -> needed.add(p.name()));
    for (ExtensionPoint p : ExtensionPoint.values()) {
      profile.plugins().at(p).enabled().forEach(r -> needed.add(r.name()));
    }
    for (String name : needed) {
      PluginFactory factory = registry.get(name);
      if (factory == null) {
        throw new IllegalArgumentException(
            "profile \"" + schedulerName + "\": plugin \"" + name + "\" does not exist");
      }
      JsonNode args = profile.pluginConfig().get(name);
      plugins.put(
          name, factory.create(args == null ? JsonNodeFactory.instance.objectNode() : args, this));
    }
  }

  private void placeAll(Profile profile) {
    for (ExtensionPoint p : ExtensionPoint.values()) {
      Class<? extends Plugin> type = typeOf(p);
      PluginSet set = profile.plugins().at(p);
      LinkedHashSet<String> enabled = new LinkedHashSet<>();
      for (PluginRef r : set.enabled()) {
        Plugin pl = plugins.get(r.name());
        if (!type.isInstance(pl)) {
          throw new IllegalArgumentException(
              "plugin \"" + r.name() + "\" does not extend " + type.getSimpleName());
        }
        if (!enabled.add(r.name())) {
          throw new IllegalArgumentException(
              "plugin \"" + r.name() + "\" already registered as " + type.getSimpleName());
        }
      }
      LinkedHashSet<String> ordered = new LinkedHashSet<>();
      if (!set.disablesAll()) {
        LinkedHashSet<String> overrides = new LinkedHashSet<>();
        LinkedHashSet<String> multi = new LinkedHashSet<>();
        Set<String> disabled = new HashSet<>(set.disabled());
        for (PluginRef r : profile.plugins().multiPoint().enabled()) {
          Plugin pl = plugins.get(r.name());
          if (!type.isInstance(pl) || disabled.contains(r.name())) {
            continue;
          }
          if (enabled.contains(r.name())) {
            overrides.add(r.name());
            continue;
          }
          if (!multi.add(r.name())) {
            throw new IllegalArgumentException(
                "plugin \"" + r.name() + "\" already registered as " + type.getSimpleName());
          }
        }
        ordered.addAll(overrides);
        ordered.addAll(multi);
      }
      ordered.addAll(enabled);
      for (String name : ordered) {
        place(p, plugins.get(name));
      }
    }
  }

  private void place(ExtensionPoint p, Plugin pl) {
    switch (p) {
      case QUEUE_SORT -> {
        if (queueSort != null && queueSort != pl) {
          throw new IllegalArgumentException(
              "profile \"" + schedulerName + "\": only one queue sort plugin can be enabled");
        }
        queueSort = (QueueSortPlugin) pl;
      }
      case PRE_ENQUEUE -> preEnqueue.add((PreEnqueuePlugin) pl);
      case PRE_FILTER -> preFilter.add((PreFilterPlugin) pl);
      case FILTER -> filter.add((FilterPlugin) pl);
      case POST_FILTER -> postFilter.add((PostFilterPlugin) pl);
      case PRE_SCORE -> preScore.add((PreScorePlugin) pl);
      case SCORE -> score.add((ScorePlugin) pl);
      case RESERVE -> reserve.add((ReservePlugin) pl);
      case PERMIT -> permit.add((PermitPlugin) pl);
      case PRE_BIND -> preBind.add((PreBindPlugin) pl);
      case BIND -> bind.add((BindPlugin) pl);
    }
  }

  private static Class<? extends Plugin> typeOf(ExtensionPoint p) {
    return switch (p) {
      case QUEUE_SORT -> QueueSortPlugin.class;
      case PRE_ENQUEUE -> PreEnqueuePlugin.class;
      case PRE_FILTER -> PreFilterPlugin.class;
      case FILTER -> FilterPlugin.class;
      case POST_FILTER -> PostFilterPlugin.class;
      case PRE_SCORE -> PreScorePlugin.class;
      case SCORE -> ScorePlugin.class;
      case RESERVE -> ReservePlugin.class;
      case PERMIT -> PermitPlugin.class;
      case PRE_BIND -> PreBindPlugin.class;
      case BIND -> BindPlugin.class;
    };
  }

  /** Upstream's {@code getScoreWeights}: score-point weights first, then multi-point; 0 means 1. */
  private void weigh(Profile profile) {
    List<PluginRef> refs = new ArrayList<>(profile.plugins().at(ExtensionPoint.SCORE).enabled());
    refs.addAll(profile.plugins().multiPoint().enabled());
    for (PluginRef r : refs) {
      if (plugins.get(r.name()) instanceof ScorePlugin && !scoreWeights.containsKey(r.name())) {
        scoreWeights.put(r.name(), r.weight() == 0 ? 1 : r.weight());
      }
    }
  }

  // ---- what the queue and the scheduling loop read ----

  public String schedulerName() {
    return schedulerName;
  }

  /** The profile's percentage, or null for the configuration's. */
  public Integer percentageOfNodesToScore() {
    return percentageOfNodesToScore;
  }

  public QueueSortPlugin queueSortPlugin() {
    return queueSort;
  }

  public boolean hasFilterPlugins() {
    return !filter.isEmpty();
  }

  public boolean hasScorePlugins() {
    return !score.isEmpty();
  }

  public boolean hasPostFilterPlugins() {
    return !postFilter.isEmpty();
  }

  /** The names of the plugins at each extension point, for logs and tests. */
  public Map<String, List<String>> listPlugins() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("QueueSort", List.of(queueSort.name()));
    m.put("PreEnqueue", names(preEnqueue));
    m.put("PreFilter", names(preFilter));
    m.put("Filter", names(filter));
    m.put("PostFilter", names(postFilter));
    m.put("PreScore", names(preScore));
    List<String> s = new ArrayList<>();
    for (ScorePlugin p : score) {
      s.add(p.name() + ":" + scoreWeights.get(p.name()));
    }
    m.put("Score", s);
    m.put("Reserve", names(reserve));
    m.put("Permit", names(permit));
    m.put("PreBind", names(preBind));
    m.put("Bind", names(bind));
    return m;
  }

  private static List<String> names(List<? extends Plugin> l) {
    return l.stream().map(Plugin::name).toList();
  }

  /**
   * The cluster events each plugin that can reject pods registered for; a plugin without {@link
   * EnqueueExtensions} gets a wildcard (every event).
   */
  public Map<String, List<ClusterEvent.WithHint>> eventsToRegister() {
    Map<String, List<ClusterEvent.WithHint>> m = new HashMap<>();
    List<Plugin> rejecting = new ArrayList<>();
    rejecting.addAll(preEnqueue);
    rejecting.addAll(preFilter);
    rejecting.addAll(filter);
    rejecting.addAll(reserve);
    rejecting.addAll(permit);
    for (Plugin p : rejecting) {
      if (p instanceof EnqueueExtensions e) {
        m.put(p.name(), e.eventsToRegister());
      } else {
        m.put(
            p.name(),
            List.of(
                new ClusterEvent.WithHint(
                    new ClusterEvent(
                        ClusterEvent.EventResource.WILDCARD, ClusterEvent.ActionType.ALL, "*"),
                    null)));
      }
    }
    return m;
  }

  // ---- extension points ----

  /** Success, or the first pre-enqueue plugin that keeps the pod out. */
  public Status runPreEnqueuePlugins(PodInfo pod) {
    for (PreEnqueuePlugin p : preEnqueue) {
      Status s = call(p, () -> p.preEnqueue(pod));
      if (!s.isSuccess()) {
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /** What the pre-filter plugins decided together. */
  public record PreFilterOutcome(PreFilterResult result, Status status, Set<String> plugins) {}

  /** Upstream's {@code RunPreFilterPlugins}. */
  public PreFilterOutcome runPreFilterPlugins(CycleState state, PodInfo pod) {
    Set<String> nodes = null;
    List<String> withNodes = new ArrayList<>();
    Status unschedulable = null;
    Set<String> rejecting = new LinkedHashSet<>();
    for (PreFilterPlugin p : preFilter) {
      PreFilterResult r;
      try {
        r = p.preFilter(state, pod);
      } catch (RuntimeException e) {
        return new PreFilterOutcome(null, Status.error(e).withPlugin(p.name()), Set.of(p.name()));
      }
      Status s = r.status();
      if (s.isSkip()) {
        state.skipFilterPlugins().add(p.name());
        continue;
      }
      if (!s.isSuccess()) {
        s = s.withPlugin(p.name());
        if (s.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
          return new PreFilterOutcome(null, s, Set.of(p.name()));
        }
        if (s.code() == Status.Code.UNSCHEDULABLE) {
          unschedulable = unschedulable == null ? s : unschedulable;
          rejecting.add(p.name());
          continue;
        }
        return new PreFilterOutcome(null, s, Set.of(p.name()));
      }
      if (!r.allNodes()) {
        withNodes.add(p.name());
        if (nodes == null) {
          nodes = new HashSet<>(r.nodeNames());
        } else {
          nodes.retainAll(r.nodeNames());
        }
        if (nodes.isEmpty()) {
          String msg =
              withNodes.size() == 1
                  ? "node(s) didn't satisfy plugin " + withNodes.get(0)
                  : "node(s) didn't satisfy plugin(s) " + withNodes + " simultaneously";
          return new PreFilterOutcome(
              PreFilterResult.nodes(Set.of()),
              Status.unresolvable(msg),
              new LinkedHashSet<>(withNodes));
        }
      }
    }
    PreFilterResult result = nodes == null ? PreFilterResult.ok() : PreFilterResult.nodes(nodes);
    if (unschedulable != null) {
      return new PreFilterOutcome(result, unschedulable, rejecting);
    }
    return new PreFilterOutcome(result, Status.SUCCESS, new LinkedHashSet<>(withNodes));
  }

  /** Upstream's {@code RunFilterPlugins}: the first rejection, attributed to its plugin. */
  public Status runFilterPlugins(CycleState state, PodInfo pod, NodeInfo node) {
    Set<String> skip = state.skipFilterPlugins();
    for (int i = 0; i < filter.size(); i++) {
      FilterPlugin p = filter.get(i);
      if (!skip.isEmpty() && skip.contains(p.name())) {
        continue;
      }
      Status s;
      try {
        s = p.filter(state, pod, node);
      } catch (RuntimeException e) {
        s = Status.error(e);
      }
      if (!s.isSuccess()) {
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo node) {
    List<PodInfo> nominated =
        node.node() == null ? List.of() : ctx.nominator().nominatedPodsForNode(node.name());
    if (nominated.isEmpty()) {
      return runFilterPlugins(state, pod, node);
    }
    NodeInfo withNominated = null;
    CycleState stateWithNominated = null;
    for (PodInfo n : nominated) {
      if (n.priority() >= pod.priority() && !n.uid().equals(pod.uid())) {
        if (withNominated == null) {
          withNominated = node.copy();
          stateWithNominated = state.copy();
        }
        withNominated.addPod(n);
        Status s = runPreFilterExtensionAddPod(stateWithNominated, pod, n, withNominated);
        if (!s.isSuccess()) {
          return s;
        }
      }
    }
    if (withNominated == null) {
      return runFilterPlugins(state, pod, node);
    }
    Status first = runFilterPlugins(stateWithNominated, pod, withNominated);
    if (!first.isSuccess()) {
      return first;
    }
    return runFilterPlugins(state, pod, node);
  }

  @Override
  public Status runPreFilterExtensionAddPod(
      CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node) {
    for (PreFilterPlugin p : preFilter) {
      PreFilterPlugin.PreFilterExtensions ext = p.preFilterExtensions();
      if (ext == null || state.skipFilterPlugins().contains(p.name())) {
        continue;
      }
      Status s = call(p, () -> ext.addPod(state, toSchedule, toAdd, node));
      if (!s.isSuccess()) {
        return Status.error("running AddPod on PreFilter plugin " + p.name() + ": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public Status runPreFilterExtensionRemovePod(
      CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node) {
    for (PreFilterPlugin p : preFilter) {
      PreFilterPlugin.PreFilterExtensions ext = p.preFilterExtensions();
      if (ext == null || state.skipFilterPlugins().contains(p.name())) {
        continue;
      }
      Status s = call(p, () -> ext.removePod(state, toSchedule, toRemove, node));
      if (!s.isSuccess()) {
        return Status.error(
                "running RemovePod on PreFilter plugin " + p.name() + ": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /**
   * Upstream's {@code RunPostFilterPlugins}: the first plugin that makes the pod schedulable wins;
   * otherwise the last rejection's message and nomination.
   */
  public PostFilterResult runPostFilterPlugins(CycleState state, PodInfo pod, NodeToStatus m) {
    PostFilterResult last = null;
    List<String> reasons = new ArrayList<>();
    for (PostFilterPlugin p : postFilter) {
      PostFilterResult r;
      try {
        r = p.postFilter(state, pod, m);
      } catch (RuntimeException e) {
        return PostFilterResult.of(Status.error(e).withPlugin(p.name()));
      }
      Status s = r.status();
      if (s.isSuccess()) {
        return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
      }
      if (s.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
      }
      if (!s.isRejected()) {
        return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
      }
      reasons.addAll(s.reasons());
      last = r;
    }
    if (last == null) {
      return PostFilterResult.of(Status.unschedulable());
    }
    return new PostFilterResult(
        Status.of(Status.Code.UNSCHEDULABLE, reasons), last.nominatedNodeName());
  }

  /** Success, or the first error; skips are recorded in the state. */
  public Status runPreScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    for (PreScorePlugin p : preScore) {
      Status s = call(p, () -> p.preScore(state, pod, nodes));
      if (s.isSkip()) {
        state.skipScorePlugins().add(p.name());
      } else if (!s.isSuccess()) {
        return Status.error("running PreScore plugin " + p.name() + ": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /**
   * Scores every node with every (non-skipped) score plugin, normalizes, weighs and sums, as
   * upstream's {@code RunScorePlugins}.
   *
   * @throws ScoreException when a plugin fails or returns a score out of range
   */
  public long[] runScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes)
      throws ScoreException {
    List<ScorePlugin> active = new ArrayList<>(score.size());
    for (ScorePlugin p : score) {
      if (!state.skipScorePlugins().contains(p.name())) {
        active.add(p);
      }
    }
    long[] total = new long[nodes.size()];
    if (active.isEmpty()) {
      return total;
    }
    long[][] perPlugin = new long[active.size()][nodes.size()];
    RuntimeException[] failure = new RuntimeException[1];
    String[] failedPlugin = new String[1];
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    ctx.parallelizer()
        .until(
            nodes.size(),
            i -> {
              NodeInfo n = nodes.get(i);
              for (int j = 0; j < active.size(); j++) {
                try {
                  perPlugin[j][i] = active.get(j).score(state, pod, n);
                } catch (RuntimeException e) {
                  synchronized (failure) {
                    failure[0] = e;
                    failedPlugin[0] = active.get(j).name();
                  }
                  stop.set(true);
                  return;
                }
              }
            },
            stop);
    if (failure[0] != null) {
      throw new ScoreException(failedPlugin[0], failure[0].getMessage(), failure[0]);
    }
    for (int j = 0; j < active.size(); j++) {
      ScorePlugin p = active.get(j);
      try {
        p.normalize(state, pod, new NodeScores(nodes, perPlugin[j]));
      } catch (RuntimeException e) {
        throw new ScoreException(p.name(), e.getMessage(), e);
      }
      int weight = scoreWeights.getOrDefault(p.name(), 1);
      long[] s = perPlugin[j];
      for (int i = 0; i < s.length; i++) {
        if (s[i] > ScorePlugin.MAX_NODE_SCORE || s[i] < ScorePlugin.MIN_NODE_SCORE) {
          throw new ScoreException(
              p.name(),
              "plugin \""
                  + p.name()
                  + "\" returns an invalid score "
                  + s[i]
                  + ", it should in the range of ["
                  + ScorePlugin.MIN_NODE_SCORE
                  + ", "
                  + ScorePlugin.MAX_NODE_SCORE
                  + "] after normalizing",
              null);
        }
        total[i] += s[i] * weight;
      }
    }
    return total;
  }

  /** A score plugin failed. */
  public static final class ScoreException extends Exception {
    private final String plugin;

    ScoreException(String plugin, String message, Throwable cause) {
      super("running Score plugin \"" + plugin + "\": " + message, cause);
      this.plugin = plugin;
    }

    public String plugin() {
      return plugin;
    }
  }

  /** Reserves in order; on the first failure the caller unreserves them all. */
  public Status runReservePluginsReserve(CycleState state, PodInfo pod, String node) {
    for (ReservePlugin p : reserve) {
      Status s = call(p, () -> p.reserve(state, pod, node));
      if (!s.isSuccess()) {
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /** Unreserves in reverse order; never fails. */
  public void runReservePluginsUnreserve(CycleState state, PodInfo pod, String node) {
    for (int i = reserve.size() - 1; i >= 0; i--) {
      ReservePlugin p = reserve.get(i);
      try {
        p.unreserve(state, pod, node);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(FrameworkImpl.class)
            .warn("unreserve of {} by {} failed", pod.key(), p.name(), e);
      }
    }
  }

  /**
   * Runs the permit plugins: Success, a rejection, or Wait (the pod is then among the waiting pods
   * and {@link #waitOnPermit} blocks until it is decided).
   */
  public Status runPermitPlugins(CycleState state, PodInfo pod, String node) {
    Map<String, Duration> waits = new LinkedHashMap<>();
    for (PermitPlugin p : permit) {
      PermitPlugin.Result r;
      try {
        r = p.permit(state, pod, node);
      } catch (RuntimeException e) {
        return Status.error(e).withPlugin(p.name());
      }
      Status s = r.status();
      if (s.code() == Status.Code.WAIT) {
        Duration t = r.timeout().compareTo(MAX_PERMIT_WAIT) > 0 ? MAX_PERMIT_WAIT : r.timeout();
        waits.put(p.name(), t);
      } else if (!s.isSuccess()) {
        return s.withPlugin(p.name());
      }
    }
    if (!waits.isEmpty()) {
      waitingPods.add(pod, waits);
      return Status.waiting();
    }
    return Status.SUCCESS;
  }

  private static final Duration MAX_PERMIT_WAIT = Duration.ofMinutes(15);

  /** Blocks until the waiting pod is allowed or rejected; Success when it was not waiting. */
  public Status waitOnPermit(PodInfo pod) {
    WaitingPods.Entry e = (WaitingPods.Entry) waitingPods.get(pod.uid());
    if (e == null) {
      return Status.SUCCESS;
    }
    try {
      return e.outcome.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return Status.error("interrupted while waiting on permit");
    } catch (ExecutionException ex) {
      return Status.error(ex.getCause());
    } finally {
      waitingPods.remove(pod.uid());
    }
  }

  public Status runPreBindPlugins(CycleState state, PodInfo pod, String node) {
    for (PreBindPlugin p : preBind) {
      Status s = call(p, () -> p.preBind(state, pod, node));
      if (!s.isSuccess()) {
        if (s.isRejected()) {
          return s.withPlugin(p.name());
        }
        return Status.error("running PreBind plugin \"" + p.name() + "\": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /** The first binder that does not skip decides. */
  public Status runBindPlugins(CycleState state, PodInfo pod, String node) {
    for (BindPlugin p : bind) {
      Status s = call(p, () -> p.bind(state, pod, node));
      if (s.isSkip()) {
        continue;
      }
      return s.isSuccess() ? s : s.withPlugin(p.name());
    }
    return Status.SKIP;
  }

  private static Status call(Plugin p, java.util.function.Supplier<Status> f) {
    try {
      Status s = f.get();
      return s == null ? Status.SUCCESS : s;
    } catch (RuntimeException e) {
      return Status.error(e).withPlugin(p.name());
    }
  }

  // ---- Handle ----

  @Override
  public SharedLister snapshot() {
    return ctx.snapshot().get();
  }

  @Override
  public ClusterObjects objects() {
    return ctx.objects();
  }

  @Override
  public KubernetesClient client() {
    return ctx.client();
  }

  @Override
  public PodApi podApi() {
    return ctx.podApi();
  }

  @Override
  public Clock clock() {
    return ctx.clock();
  }

  @Override
  public Parallelizer parallelizer() {
    return ctx.parallelizer();
  }

  @Override
  public EventRecorder events() {
    return ctx.events();
  }

  @Override
  public PodNominator nominator() {
    return ctx.nominator();
  }

  @Override
  public WaitingPod waitingPod(String uid) {
    return waitingPods.get(uid);
  }

  /** The plugin instance by name, or null (for tests). */
  public Plugin plugin(String name) {
    return plugins.get(name);
  }
}

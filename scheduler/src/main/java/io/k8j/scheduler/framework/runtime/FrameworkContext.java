package io.k8j.scheduler.framework.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.framework.Parallelizer;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.SharedLister;
import io.k8j.scheduler.util.PodApi;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** What every profile's framework shares: the scheduler's client, clock, snapshot and helpers. */
public record FrameworkContext(
    KubernetesClient client,
    PodApi podApi,
    Clock clock,
    Parallelizer parallelizer,
    ClusterObjects objects,
    EventRecorder events,
    PodNominator nominator,
    Supplier<SharedLister> snapshot,
    ScheduledExecutorService timer) {}

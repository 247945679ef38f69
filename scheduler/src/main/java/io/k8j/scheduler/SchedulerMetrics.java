package io.k8j.scheduler;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what a scheduler did, for its periodic summary and for benchmarks. */
public final class SchedulerMetrics {
  private final LongAdder scheduled = new LongAdder();
  private final LongAdder unschedulable = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder bindingFailures = new LongAdder();
  private final LongAdder preemptions = new LongAdder();
  private final LongAdder cycleNanos = new LongAdder();
  private final LongAdder cycles = new LongAdder();

  /** A pod was bound. */
  public void scheduled() {
    scheduled.increment();
  }

  /** A cycle found no node for a pod. */
  public void unschedulable() {
    unschedulable.increment();
  }

  /** A cycle failed on an error. */
  public void error() {
    errors.increment();
  }

  public void bindingFailure() {
    bindingFailures.increment();
  }

  /** A preemption nominated a node. */
  public void preemption() {
    preemptions.increment();
  }

  /** A scheduling cycle (pop to assume, or to failure) took this long. */
  public void cycle(long nanos) {
    cycles.increment();
    cycleNanos.add(nanos);
  }

  /** A copy of the counters. */
  public record Counts(
      long scheduled,
      long unschedulable,
      long errors,
      long bindingFailures,
      long preemptions,
      long cycles,
      long cycleNanos) {
    /** The counts since {@code before}. */
    public Counts minus(Counts before) {
      return new Counts(
          scheduled - before.scheduled,
          unschedulable - before.unschedulable,
          errors - before.errors,
          bindingFailures - before.bindingFailures,
          preemptions - before.preemptions,
          cycles - before.cycles,
          cycleNanos - before.cycleNanos);
    }

    /** The mean duration of a scheduling cycle (filter, score, assume), in microseconds. */
    public double meanCycleMicros() {
      return cycles == 0 ? 0 : cycleNanos / 1e3 / cycles;
    }
  }

  public Counts counts() {
    return new Counts(
        scheduled.sum(),
        unschedulable.sum(),
        errors.sum(),
        bindingFailures.sum(),
        preemptions.sum(),
        cycles.sum(),
        cycleNanos.sum());
  }
}

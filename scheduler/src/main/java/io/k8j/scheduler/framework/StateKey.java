package io.k8j.scheduler.framework;

/**
 * A typed key into the {@link CycleState}; each plugin declares its keys as constants, named after
 * the extension point and the plugin, as upstream ({@code "PreFilterNodeResourcesFit"}).
 */
public record StateKey<T extends StateData>(String name, Class<T> type) {
  public static <T extends StateData> StateKey<T> of(String name, Class<T> type) {
    return new StateKey<>(name, type);
  }
}

package io.k8j.scheduler.plugins.defaultbinder;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.scheduler.framework.BindPlugin;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Binds a pod by POSTing a {@code Binding} to its {@code pods/binding} subresource, as upstream's
 * DefaultBinder. Runs in the binding cycle, blocking its thread until the API server answers.
 */
public final class DefaultBinder implements BindPlugin {
  public static final String NAME = "DefaultBinder";

  private final Handle handle;

  private DefaultBinder(Handle handle) {
    this.handle = handle;
  }

  public static DefaultBinder create(JsonNode args, Handle handle) {
    return new DefaultBinder(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status bind(CycleState state, PodInfo pod, String nodeName) {
    try {
      handle
          .podApi()
          .bind(pod.namespace(), pod.name(), pod.uid(), nodeName)
          .get(60, TimeUnit.SECONDS);
      return Status.SUCCESS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error("interrupted while binding");
    } catch (ExecutionException e) {
      return Status.error(e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      return Status.error("binding timed out");
    }
  }
}

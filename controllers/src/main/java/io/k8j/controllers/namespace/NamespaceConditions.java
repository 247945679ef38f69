package io.k8j.controllers.namespace;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The five deletion conditions of a namespace, as upstream's {@code namespaceConditionUpdater}:
 * each is False with its "ok" reason unless something went wrong or is left.
 */
final class NamespaceConditions {
  static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
  static final String GROUP_VERSION_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
  static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
  static final String CONTENT_REMAINING = "NamespaceContentRemaining";
  static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

  static final List<String> TYPES =
      List.of(
          DISCOVERY_FAILURE,
          GROUP_VERSION_PARSING_FAILURE,
          CONTENT_FAILURE,
          CONTENT_REMAINING,
          FINALIZERS_REMAINING);

  private static final Map<String, String> OK_REASONS =
      Map.of(
          DISCOVERY_FAILURE, "ResourcesDiscovered",
          GROUP_VERSION_PARSING_FAILURE, "ParsedGroupVersions",
          CONTENT_FAILURE, "ContentDeleted",
          CONTENT_REMAINING, "ContentRemoved",
          FINALIZERS_REMAINING, "ContentHasNoFinalizers");

  private static final Map<String, String> FAILED_REASONS =
      Map.of(
          DISCOVERY_FAILURE, "DiscoveryFailed",
          GROUP_VERSION_PARSING_FAILURE, "GroupVersionParsingFailed",
          CONTENT_FAILURE, "ContentDeletionFailed",
          CONTENT_REMAINING, "SomeResourcesRemain",
          FINALIZERS_REMAINING, "SomeFinalizersRemain");

  private final Map<String, String> failures = new java.util.HashMap<>();

  /** Marks the condition True with this message. */
  void fail(String type, String message) {
    failures.put(type, message);
  }

  /** The conditions to write, keeping lastTransitionTime where the status did not change. */
  List<NamespaceCondition> update(List<NamespaceCondition> current, Instant now) {
    List<NamespaceCondition> out = new ArrayList<>();
    for (NamespaceCondition c : current == null ? List.<NamespaceCondition>of() : current) {
      if (!TYPES.contains(c.getType())) {
        out.add(c);
      }
    }
    for (String type : TYPES) {
      boolean failed = failures.containsKey(type);
      NamespaceCondition c = new NamespaceCondition();
      c.setType(type);
      c.setStatus(failed ? "True" : "False");
      c.setReason(failed ? FAILED_REASONS.get(type) : OK_REASONS.get(type));
      c.setMessage(failed ? failures.get(type) : okMessage(type));
      c.setLastTransitionTime(Times.format(now));
      NamespaceCondition old = find(current, type);
      if (old != null && Objects.equals(old.getStatus(), c.getStatus())) {
        c.setLastTransitionTime(old.getLastTransitionTime());
      }
      out.add(c);
    }
    return out;
  }

  private static String okMessage(String type) {
    return switch (type) {
      case DISCOVERY_FAILURE -> "All resources successfully discovered";
      case GROUP_VERSION_PARSING_FAILURE -> "All legacy kube types successfully parsed";
      case CONTENT_FAILURE -> "All content successfully deleted, may be waiting on finalization";
      case CONTENT_REMAINING -> "All content successfully removed";
      default -> "All content-preserving finalizers finished";
    };
  }

  private static NamespaceCondition find(List<NamespaceCondition> list, String type) {
    if (list != null) {
      for (NamespaceCondition c : list) {
        if (type.equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }
}

package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.common.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tracks field ownership on writes, as upstream's {@code fieldmanager}: an update gives its manager
 * the fields it added or changed and takes them from everyone else; an apply merges the applied
 * configuration, removes the fields its manager no longer applies (when nobody else owns them) and
 * fails with a conflict when it would change a field another manager owns, unless forced.
 */
public final class FieldManager {
  /** The annotation client-side apply keeps, synchronised by kubectl's server-side apply. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final List<String> SERVER_METADATA =
      List.of(
          "name",
          "namespace",
          "creationTimestamp",
          "selfLink",
          "uid",
          "clusterName",
          "generation",
          "managedFields",
          "resourceVersion");

  /**
   * Who writes and where.
   *
   * @param manager the field manager
   * @param apiVersion the API version of the request
   * @param subresource "" for the main resource, else the subresource written
   * @param hasStatus whether the kind has a status subresource (its status is not owned through the
   *     main resource, nor the rest through the status)
   */
  public record Writer(String manager, String apiVersion, String subresource, boolean hasStatus) {}

  /** Upstream's cap on update entries, and the name of the entry older ones merge into. */
  static final int MAX_UPDATE_MANAGERS = 10;

  static final String OLD_UPDATES_MANAGER = "ancient-changes";

  private final Clock clock;

  public FieldManager(Clock clock) {
    this.clock = clock;
  }

  /**
   * Records an update (create, update or a non-apply patch) from {@code current} (null on create)
   * to {@code next} in {@code next}'s managedFields. A request to the main resource that carries
   * managedFields sets them (an empty list resets them); otherwise the current object's are kept.
   */
  public void recordUpdate(ObjectNode current, ObjectNode next, FieldType type, Writer w) {
    List<ManagedFields.Entry> entries;
    FieldSets.Comparison cmp;
    try {
      entries =
          w.subresource().isEmpty() ? liveOrNew(current, next) : ManagedFields.decode(current);
      cmp = FieldSets.compare(strip(current), strip(next), type);
    } catch (IllegalArgumentException e) {
      return;
    }
    FieldSet changed = owned(cmp.changed(), w);
    FieldSet removed = owned(cmp.removed(), w);
    List<ManagedFields.Entry> out = new ArrayList<>();
    for (ManagedFields.Entry e : entries) {
      out.add(e.withFields(e.fields().difference(changed).difference(removed)));
    }
    if (!changed.isEmpty()) {
      ManagedFields.Entry mine =
          new ManagedFields.Entry(
              w.manager(), ManagedFields.UPDATE, w.apiVersion(), now(), w.subresource(), changed);
      int at = indexOf(out, mine);
      if (at >= 0) {
        out.set(at, mine.withFields(out.get(at).fields().union(changed)));
      } else {
        out.add(mine);
      }
    }
    ManagedFields.encode(next, capUpdateManagers(out));
  }

  /**
   * At most {@link #MAX_UPDATE_MANAGERS} update entries, as upstream's {@code capManagersManager}:
   * beyond that the oldest are merged, per API version, into an {@code ancient-changes} entry that
   * takes the time of the latest update merged into it.
   */
  static List<ManagedFields.Entry> capUpdateManagers(List<ManagedFields.Entry> entries) {
    List<ManagedFields.Entry> updaters = new ArrayList<>();
    for (ManagedFields.Entry e : entries) {
      if (e.operation().equals(ManagedFields.UPDATE)) {
        updaters.add(e);
      }
    }
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return entries;
    }
    updaters.sort(
        Comparator.comparingLong((ManagedFields.Entry e) -> seconds(e.time()))
            .thenComparing(FieldManager::identifier));
    List<ManagedFields.Entry> out = new ArrayList<>(entries);
    Map<String, ManagedFields.Entry> firstOfVersion = new HashMap<>();
    int length = updaters.size();
    for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
      ManagedFields.Entry e = updaters.get(i);
      ManagedFields.Entry first = firstOfVersion.get(e.apiVersion());
      if (first == null) {
        firstOfVersion.put(e.apiVersion(), e);
        continue;
      }
      ManagedFields.Entry bucket =
          new ManagedFields.Entry(
              OLD_UPDATES_MANAGER, ManagedFields.UPDATE, e.apiVersion(), null, "", first.fields());
      int at = indexOf(out, bucket);
      if (at < 0) {
        at = out.indexOf(first);
        out.set(at, bucket);
      }
      out.set(at, bucket.withFields(e.fields().union(out.get(at).fields())).withTime(e.time()));
      out.remove(e);
      length--;
    }
    return out;
  }

  private static long seconds(String time) {
    try {
      return time == null ? 0 : Instant.parse(time).getEpochSecond();
    } catch (java.time.format.DateTimeParseException e) {
      return 0;
    }
  }

  /** Upstream's manager identifier, the JSON it sorts equal times by. */
  private static String identifier(ManagedFields.Entry e) {
    ObjectNode id =
        Json.object()
            .put("manager", e.manager())
            .put("operation", e.operation())
            .put("apiVersion", e.apiVersion());
    if (!e.subresource().isEmpty()) {
      id.put("subresource", e.subresource());
    }
    return id.toString();
  }

  /**
   * The object {@code config} applied to {@code current} (null when absent) by {@code w}, with its
   * managed fields.
   *
   * @throws ApiException 409 Conflict naming the managers and fields, when not forced
   * @throws IllegalArgumentException when the configuration does not fit the kind's list types
   */
  public ObjectNode apply(
      ObjectNode current, ObjectNode config, FieldType type, Writer w, boolean force) {
    ObjectNode live = current == null ? Json.object() : current;
    List<ManagedFields.Entry> entries;
    try {
      entries = ManagedFields.decode(live);
    } catch (IllegalArgumentException e) {
      entries = new ArrayList<>();
    }
    ObjectNode applied = config.deepCopy();
    Json.metadata(applied).remove("managedFields");
    FieldSet appliedSet = owned(FieldSets.of(strip(applied), type), w);
    ObjectNode merged = (ObjectNode) ApplyMerge.merge(live, applied, type);
    ManagedFields.Entry mine =
        new ManagedFields.Entry(
            w.manager(), ManagedFields.APPLY, w.apiVersion(), null, w.subresource(), appliedSet);
    int at = indexOf(entries, mine);
    FieldSet lastSet = at >= 0 ? entries.get(at).fields() : FieldSet.empty();
    String lastTime = at >= 0 ? entries.get(at).time() : null;
    List<ManagedFields.Entry> others = new ArrayList<>(entries);
    if (at >= 0) {
      others.remove(at);
    }
    prune(merged, lastSet.difference(appliedSet), appliedSet, others, type);
    FieldSets.Comparison cmp = FieldSets.compare(strip(live), strip(merged), type);
    FieldSet changed = owned(cmp.changed(), w);
    FieldSet removed = owned(cmp.removed(), w);
    Map<String, List<String>> conflicts = new TreeMap<>();
    FieldSet conflicting = FieldSet.empty();
    List<ManagedFields.Entry> out = new ArrayList<>();
    for (ManagedFields.Entry e : others) {
      FieldSet conflict = e.fields().intersection(changed);
      conflicting = conflicting.union(conflict);
      for (List<String> p : conflict.paths()) {
        conflicts.computeIfAbsent(e.describe(), k -> new ArrayList<>()).add(FieldSet.describe(p));
      }
      out.add(e.withFields(e.fields().difference(conflict).difference(removed)));
    }
    if (!force
        && !conflicts.isEmpty()
        && !conflicting.difference(allowedByLastApplied(live, type, w)).isEmpty()) {
      throw conflict(conflicts);
    }
    boolean noop = merged.equals(live);
    out.add(mine.withTime(noop && lastSet.equals(appliedSet) ? lastTime : now()));
    if (w.manager().equals("kubectl") && current != null) {
      syncLastApplied(merged, config);
    }
    ManagedFields.encode(merged, out);
    return merged;
  }

  /**
   * Removes from {@code obj} the fields its applier no longer applies, unless another manager owns
   * them (or something below them) or the applier still applies something below them.
   */
  private static void prune(
      ObjectNode obj,
      FieldSet dropped,
      FieldSet applied,
      List<ManagedFields.Entry> others,
      FieldType type) {
    for (List<String> path : dropped.paths()) {
      if (applied.hasPrefix(path)) {
        continue;
      }
      boolean ownedElsewhere = false;
      for (ManagedFields.Entry e : others) {
        ownedElsewhere |= e.fields().hasPrefix(path);
      }
      if (!ownedElsewhere) {
        ApplyMerge.remove(obj, path, type);
      }
    }
  }

  /**
   * The conflicts kubectl's first server-side apply may take over from client-side apply, as
   * upstream's {@code lastAppliedManager}: the fields of the last-applied annotation whose live
   * values are still the ones it recorded. Empty for other managers.
   */
  private static FieldSet allowedByLastApplied(ObjectNode live, FieldType type, Writer w) {
    JsonNode annotation = live.path("metadata").path("annotations").get(LAST_APPLIED);
    if (!w.manager().equals("kubectl") || annotation == null || !annotation.isTextual()) {
      return FieldSet.empty();
    }
    try {
      ObjectNode last =
          Json.parseObject(annotation.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      JsonNode lastStripped = strip(last);
      FieldSet lastSet = FieldSets.of(lastStripped, type);
      FieldSets.Comparison cmp = FieldSets.compare(lastStripped, strip(live), type);
      return lastSet.difference(cmp.modified());
    } catch (RuntimeException e) {
      return FieldSet.empty();
    }
  }

  private static ApiException conflict(Map<String, List<String>> byManager) {
    ObjectNode details = Json.object();
    ArrayNode causes = details.putArray("causes");
    List<String> lines = new ArrayList<>();
    int count = 0;
    for (Map.Entry<String, List<String>> m : byManager.entrySet()) {
      lines.add("conflicts with " + m.getKey() + ":");
      for (String field : m.getValue()) {
        causes
            .addObject()
            .put("reason", "FieldManagerConflict")
            .put("message", "conflict with " + m.getKey())
            .put("field", field);
        lines.add("- " + field);
        count++;
      }
    }
    String message;
    if (count == 1) {
      Map.Entry<String, List<String>> only = byManager.entrySet().iterator().next();
      message =
          "Apply failed with 1 conflict: conflict with "
              + only.getKey()
              + ": "
              + only.getValue().getFirst();
    } else {
      message = "Apply failed with " + count + " conflicts: " + String.join("\n", lines);
    }
    return new ApiException(409, "Conflict", message, details);
  }

  /**
   * kubectl's server-side apply keeps a client-side apply annotation in step with what it applied,
   * so that a later client-side apply still sees the right last configuration.
   */
  private static void syncLastApplied(ObjectNode merged, ObjectNode config) {
    JsonNode annotations = merged.path("metadata").path("annotations");
    if (!annotations.has(LAST_APPLIED)) {
      return;
    }
    ObjectNode last = config.deepCopy();
    JsonNode la = last.path("metadata").path("annotations");
    if (la instanceof ObjectNode o) {
      o.remove(LAST_APPLIED);
      if (o.isEmpty()) {
        Json.metadata(last).remove("annotations");
      }
    }
    ((ObjectNode) annotations).put(LAST_APPLIED, new String(Json.bytes(last)) + "\n");
  }

  /**
   * The fields a write through {@code w}'s endpoint can own: a status write owns what it changes of
   * the status and metadata, a main write all but the status of a kind that has one.
   */
  private static FieldSet owned(FieldSet s, Writer w) {
    if (w.subresource().equals("status")) {
      return s.only("f:status").union(s.only("f:metadata"));
    }
    return w.hasStatus() && w.subresource().isEmpty() ? s.without("f:status") : s;
  }

  private static List<ManagedFields.Entry> liveOrNew(ObjectNode current, ObjectNode next) {
    if (ManagedFields.isReset(next)) {
      return new ArrayList<>();
    }
    try {
      List<ManagedFields.Entry> sent = ManagedFields.decode(next);
      if (!sent.isEmpty()) {
        return sent;
      }
    } catch (IllegalArgumentException e) {
      // a client's malformed managedFields are ignored, as upstream keeps the live ones
    }
    return ManagedFields.decode(current);
  }

  private static int indexOf(List<ManagedFields.Entry> entries, ManagedFields.Entry e) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).sameManager(e)) {
        return i;
      }
    }
    return -1;
  }

  /** A copy of {@code obj} without the fields nobody owns: kind, apiVersion, server metadata. */
  private static JsonNode strip(ObjectNode obj) {
    if (obj == null) {
      return null;
    }
    ObjectNode c = obj.deepCopy();
    c.remove(List.of("kind", "apiVersion"));
    if (c.get("metadata") instanceof ObjectNode meta) {
      meta.remove(SERVER_METADATA);
      if (meta.isEmpty()) {
        c.remove("metadata");
      }
    }
    return c;
  }

  private String now() {
    return clock.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

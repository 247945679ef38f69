package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.store.CompactedException;
import io.k8j.store.FutureRevisionException;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lists of one resource with upstream's resourceVersion semantics: unset is a consistent read of
 * the latest state, {@code 0} is any state (from the cache), a revision with NotOlderThan waits for
 * the cache to reach it, Exact and paged lists read the store at one revision, and continue tokens
 * keep every page on the first page's revision.
 */
public final class ResourceLister {
  private static final Duration FRESHNESS_WAIT = Duration.ofSeconds(3);

  private final ResourceDef def;
  private final Store store;
  private final WatchCache cache;

  public ResourceLister(ResourceDef def, Store store, WatchCache cache) {
    this.def = def;
    this.store = store;
    this.cache = cache;
  }

  public ListResult list(String namespace, ListOptions opts) {
    Predicate<ObjectNode> predicate = predicate(opts);
    String prefix = listPrefix(namespace, opts);
    String rv = opts.resourceVersion();
    String match = opts.resourceVersionMatch() == null ? "" : opts.resourceVersionMatch();
    if (!match.isEmpty() && (rv == null || rv.isEmpty())) {
      throw ApiException.badRequest(
          "resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    if (!match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
      throw ApiException.badRequest(
          "resourceVersionMatch: Unsupported value: \""
              + match
              + "\": supported values: \"Exact\","
              + " \"NotOlderThan\"");
    }
    if (opts.continueToken() != null && !opts.continueToken().isEmpty()) {
      if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
        throw ApiException.badRequest(
            "specifying resource version is not allowed when using continue");
      }
      ContinueToken token = ContinueToken.decode(opts.continueToken());
      return fromStore(
          prefix, prefix + token.start(), token.revision(), opts.limit(), predicate, true);
    }
    long revision = parseRevision(rv);
    if (match.equals("Exact")) {
      if (revision == 0) {
        throw ApiException.badRequest(
            "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
      }
      return fromStore(prefix, prefix, revision, opts.limit(), predicate, false);
    }
    if (rv == null || rv.isEmpty()) {
      if (opts.limit() > 0) {
        return fromStore(prefix, prefix, 0, opts.limit(), predicate, false);
      }
      long current = store.currentRevision().value();
      try {
        cache.waitUntilFresh(current, FRESHNESS_WAIT);
      } catch (WatchCache.NotFreshException e) {
        return fromStore(prefix, prefix, 0, 0, predicate, false);
      }
      return fromCache(prefix, predicate);
    }
    if (revision > 0) {
      try {
        cache.waitUntilFresh(revision, FRESHNESS_WAIT);
      } catch (WatchCache.NotFreshException e) {
        throw tooLarge(revision);
      }
    }
    return fromCache(prefix, predicate);
  }

  private ListResult fromCache(String prefix, Predicate<ObjectNode> predicate) {
    Converter conv = def.converter();
    if (conv == Converter.IDENTITY) {
      WatchCache.Snapshot s = cache.list(prefix, predicate);
      return new ListResult(s.items(), s.revision(), null, -1);
    }
    WatchCache.Snapshot s = cache.list(prefix, o -> true);
    List<ObjectNode> items = new ArrayList<>();
    for (ObjectNode o : s.items()) {
      ObjectNode served = conv.fromStorage(o);
      if (predicate.test(served)) {
        items.add(served);
      }
    }
    return new ListResult(items, s.revision(), null, -1);
  }

  private ListResult fromStore(
      String prefix,
      String start,
      long revision,
      long limit,
      Predicate<ObjectNode> predicate,
      boolean continuing) {
    KeyRange range = new KeyRange(start, KeyRange.prefix(prefix).end());
    List<ObjectNode> items = new ArrayList<>();
    Revision at = Revision.of(revision);
    String lastKey = null;
    boolean more = false;
    long remaining = -1;
    try {
      while (true) {
        RangeRequest req = RangeRequest.of(range).atRevision(at);
        if (limit > 0) {
          req = req.withLimit(Math.max(limit - items.size(), Math.min(limit, 500)));
        }
        RangeResult r = store.range(req);
        at = r.revision();
        int used = 0;
        for (KeyValue kv : r.kvs()) {
          used++;
          lastKey = kv.key();
          ObjectNode obj = def.converter().fromStorage(ObjectCodec.decode(kv));
          if (predicate.test(obj)) {
            items.add(obj);
            if (limit > 0 && items.size() >= limit) {
              break;
            }
          }
        }
        boolean pageLeft = used < r.kvs().size();
        more = pageLeft || r.more();
        if (limit > 0 && items.size() >= limit) {
          if (more && predicate == ALL) {
            remaining = r.count() - used;
          }
          break;
        }
        if (!r.more()) {
          break;
        }
        range = range.from(lastKey + "\0");
      }
    } catch (CompactedException e) {
      throw ApiException.gone(
          continuing
              ? "The provided continue parameter is too old to display a consistent list result."
                  + " You can start a new list without the continue parameter, or use the continue"
                  + " token in this response to retrieve the remainder of the results. Continuing"
                  + " with the provided token results in an inconsistent list - objects that were"
                  + " created, modified, or deleted between the time the first chunk was returned"
                  + " and now may show up in the list."
              : "The resourceVersion for the provided list is too old.");
    } catch (FutureRevisionException e) {
      throw tooLarge(revision);
    }
    String token =
        more && lastKey != null
            ? new ContinueToken(at.value(), lastKey.substring(prefix.length()) + "\0").encode()
            : null;
    return new ListResult(items, at.value(), token, remaining);
  }

  private static ApiException tooLarge(long revision) {
    return ApiException.timeout("Too large resource version: " + revision + ", current: unknown");
  }

  private static final Predicate<ObjectNode> ALL = o -> true;

  /** The selection of a list or watch as one predicate. */
  public static Predicate<ObjectNode> predicate(ListOptions opts) {
    if (opts.selectsEverything()) {
      return ALL;
    }
    return o -> opts.labels().matches(o) && opts.fields().matches(o);
  }

  /** The narrowest key prefix of a list: one object when the field selector names it. */
  public String listPrefix(String namespace, ListOptions opts) {
    String prefix = def.listPrefix(namespace);
    String name = opts.fields().requiredValue("metadata.name");
    if (name != null && (!def.namespaced() || (namespace != null && !namespace.isEmpty()))) {
      return def.key(namespace, name);
    }
    return prefix;
  }

  private static long parseRevision(String rv) {
    if (rv == null || rv.isEmpty()) {
      return 0;
    }
    try {
      return Revision.parse(rv).value();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "Invalid value: \"" + rv + "\": resourceVersion must be a number");
    }
  }
}

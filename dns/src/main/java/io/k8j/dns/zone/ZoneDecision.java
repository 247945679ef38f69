package io.k8j.dns.zone;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** What to do with a query, as the cluster zone decides it. */
public sealed interface ZoneDecision {

  /** Not a name of the cluster zone (nor a reverse name it knows): ask the upstream resolvers. */
  Forward FORWARD = new Forward();

  /** A complete answer. {@code authoritative} is false only for REFUSED. */
  record Answer(
      int rcode,
      boolean authoritative,
      List<Record> answer,
      List<Record> authority,
      List<Record> additional)
      implements ZoneDecision {
    public Answer {
      answer = List.copyOf(answer);
      authority = List.copyOf(authority);
      additional = List.copyOf(additional);
    }
  }

  /** See {@link #FORWARD}. */
  record Forward() implements ZoneDecision {}

  /**
   * An ExternalName Service: the CNAME chain so far ends at {@code target}, outside the cluster,
   * whose records of {@code type} only an upstream resolver knows. The answer is {@link #resolved}
   * with what it says, or {@link #unresolved} (no data, as CoreDNS) if it cannot say.
   */
  record ChaseExternal(List<Record> cnames, Name target, int type, Answer unresolved)
      implements ZoneDecision {
    public ChaseExternal {
      cnames = List.copyOf(cnames);
    }

    public Answer resolved(List<Record> upstreamAnswer) {
      List<Record> all = new ArrayList<>(cnames);
      all.addAll(upstreamAnswer);
      return new Answer(0, true, all, List.of(), List.of());
    }
  }
}

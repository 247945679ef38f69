package io.k8j.dns.zone;

import io.k8j.dns.model.ClusterRecords;
import io.k8j.dns.model.IpLiterals;
import io.k8j.dns.model.PortEntry;
import io.k8j.dns.model.ServiceEntry;
import io.k8j.dns.model.SliceEntry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A name of the cluster zone to what it stands for (CoreDNS's "services"): a Service's cluster IPs
 * with each selected port, its ready endpoints, a pod's address, or an ExternalName's target; or
 * "no such name" (NXDOMAIN), or "exists with nothing" (NODATA).
 */
final class NameLookup {
  private final ClusterRecords records;
  private final String zone;

  NameLookup(ClusterRecords records, String zone) {
    this.records = records;
    this.zone = zone;
  }

  /** One thing a name stands for: an address with a port, or an external name. */
  record Hit(InetAddress ip, Name target, int port, Name owner) {}

  record Lookup(boolean nameError, List<Hit> hits) {
    static final Lookup NAME_ERROR = new Lookup(true, List.of());
    static final Lookup NO_DATA = new Lookup(false, List.of());

    Hit external() {
      return hits.size() == 1 && hits.get(0).target() != null ? hits.get(0) : null;
    }
  }

  /** What {@code base} (the lower-case name less the zone) stands for. */
  Lookup lookup(String base) {
    QueryName q = QueryName.parse(base);
    if (q == null) {
      return Lookup.NAME_ERROR;
    }
    if (q.podOrSvc().isEmpty()) {
      return Lookup.NO_DATA;
    }
    if (!records.namespaceExists(q.namespace())) {
      return Lookup.NAME_ERROR;
    }
    if (q.service().isEmpty()) {
      return Lookup.NO_DATA;
    }
    return q.podOrSvc().equals(QueryName.POD) ? pod(q) : service(q);
  }

  private Lookup pod(QueryName q) {
    String label = q.service();
    long dashes = label.chars().filter(c -> c == '-').count();
    String literal =
        dashes == 3 && !label.contains("--") ? label.replace('-', '.') : label.replace('-', ':');
    InetAddress ip = IpLiterals.parse(literal);
    if (ip == null) {
      return Lookup.NAME_ERROR;
    }
    Name owner = absolute(label + "." + q.namespace() + ".pod." + zone);
    return new Lookup(false, List.of(new Hit(ip, null, 0, owner)));
  }

  private Lookup service(QueryName q) {
    ServiceEntry svc = records.service(q.namespace(), q.service());
    if (svc == null) {
      return Lookup.NAME_ERROR;
    }
    List<Hit> hits = new ArrayList<>();
    String svcName = q.service() + "." + q.namespace() + ".svc." + zone;
    switch (svc.kind()) {
      case EXTERNAL_NAME -> {
        if (!q.endpoint().isEmpty() || !q.port().isEmpty() || !q.protocol().isEmpty()) {
          return Lookup.NAME_ERROR;
        }
        Name target = externalTarget(svc.externalName());
        if (target == null) {
          return Lookup.NAME_ERROR;
        }
        hits.add(new Hit(null, target, 0, null));
      }
      case CLUSTER_IP -> {
        if (q.endpoint().isEmpty()) {
          Name owner = absolute(svcName);
          for (PortEntry p : svc.ports()) {
            if (p.matches(q.port(), q.protocol())) {
              for (InetAddress ip : svc.clusterIps()) {
                hits.add(new Hit(ip, null, p.port(), owner));
              }
            }
          }
        } else {
          endpoints(q, svcName, hits);
        }
      }
      case HEADLESS -> endpoints(q, svcName, hits);
    }
    return hits.isEmpty() ? Lookup.NAME_ERROR : new Lookup(false, hits);
  }

  private void endpoints(QueryName q, String svcName, List<Hit> hits) {
    for (SliceEntry slice : records.slices(q.namespace(), q.service())) {
      for (SliceEntry.Address a : slice.ready()) {
        if (!q.endpoint().isEmpty() && !q.endpoint().equalsIgnoreCase(a.hostname())) {
          continue;
        }
        Name owner = null;
        for (PortEntry p : slice.ports()) {
          if (p.matches(q.port(), q.protocol())) {
            if (owner == null) {
              owner = absolute(a.hostname() + "." + svcName);
            }
            hits.add(new Hit(a.ip(), null, p.port(), owner));
          }
        }
      }
    }
  }

  private Name externalTarget(String externalName) {
    if (externalName == null || externalName.isEmpty() || IpLiterals.parse(externalName) != null) {
      return null;
    }
    try {
      return Name.fromString(externalName.endsWith(".") ? externalName : externalName + ".");
    } catch (TextParseException e) {
      return null;
    }
  }

  static Name absolute(String name) {
    try {
      return Name.fromString(name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }
}

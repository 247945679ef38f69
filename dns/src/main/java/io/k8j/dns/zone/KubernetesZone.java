package io.k8j.dns.zone;

import io.k8j.dns.model.ClusterRecords;
import io.k8j.dns.model.ClusterRecords.ReverseEntry;
import io.k8j.dns.zone.ZoneDecision.Answer;
import io.k8j.dns.zone.ZoneDecision.ChaseExternal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The cluster zone ({@code cluster.local}) and the reverse zones, answered from {@link
 * ClusterRecords} as CoreDNS's kubernetes plugin answers them with {@code pods insecure} and {@code
 * fallthrough in-addr.arpa ip6.arpa}:
 *
 * <ul>
 *   <li>{@code <svc>.<ns>.svc}: A/AAAA of a Service's cluster IPs, or of a headless Service's ready
 *       endpoints; CNAME of an ExternalName Service;
 *   <li>{@code <hostname>.<svc>.<ns>.svc}: one endpoint (its hostname, or its address with dashes);
 *   <li>{@code _<port>._<proto>.<svc>.<ns>.svc} and {@code <svc>.<ns>.svc}: SRV of named ports;
 *   <li>{@code <a-b-c-d>.<ns>.pod}: the address the name spells, in a namespace that exists;
 *   <li>PTR of cluster IPs and ready endpoint addresses; other reverse names go upstream;
 *   <li>{@code dns-version} TXT; SOA and NS at the apex; NXDOMAIN (SERVFAIL before the informers
 *       have synced) and NODATA with the SOA in authority.
 * </ul>
 *
 * Thread-safe: a decision reads only immutable snapshots from the records.
 */
public final class KubernetesZone {
  /** The Kubernetes DNS schema version this zone implements. */
  public static final String SCHEMA_VERSION = "1.1.0";

  private static final int MAX_CNAME_CHAIN = 8;

  private final ClusterRecords records;
  private final NameLookup names;
  private final String zone;
  private final String dotZone;
  private final Name zoneName;
  private final long ttl;
  private final List<InetAddress> nameservers;
  private final Name nsName;
  private final Name hostmaster;
  private volatile SOARecord soa;

  /**
   * @param domain the cluster domain, e.g. {@code cluster.local}
   * @param ttl the TTL of every record (CoreDNS: 5 s)
   * @param nameservers the addresses this server answers on, for {@code ns.dns.<domain>}
   */
  public KubernetesZone(
      ClusterRecords records, String domain, long ttl, List<InetAddress> nameservers) {
    this.records = records;
    this.zone = stripDot(domain.toLowerCase(Locale.ROOT));
    this.names = new NameLookup(records, zone);
    this.dotZone = "." + zone;
    this.zoneName = NameLookup.absolute(zone);
    this.ttl = ttl;
    this.nameservers = List.copyOf(nameservers);
    this.nsName = NameLookup.absolute("ns.dns." + zone);
    this.hostmaster = NameLookup.absolute("hostmaster." + zone);
  }

  public Name zoneName() {
    return zoneName;
  }

  /** Decides the answer to a query of {@code qtype} (class IN) for {@code qname}. */
  public ZoneDecision decide(Name qname, int qtype) {
    String name = lower(qname);
    if (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa")) {
      return qtype == Type.PTR ? reverse(qname) : ZoneDecision.FORWARD;
    }
    String base;
    if (name.equals(zone)) {
      base = "";
    } else if (name.endsWith(dotZone)) {
      base = name.substring(0, name.length() - dotZone.length());
    } else {
      return ZoneDecision.FORWARD;
    }
    switch (qtype) {
      case Type.AXFR, Type.IXFR -> {
        return new Answer(Rcode.REFUSED, false, List.of(), List.of(), List.of());
      }
      case Type.SOA -> {
        return base.isEmpty() ? answer(List.of(soa())) : existence(base);
      }
      case Type.NS -> {
        return base.isEmpty() ? nameserverRecords(qname) : existence(base);
      }
      case Type.TXT -> {
        if (base.equals("dns-version")) {
          return answer(List.of(new TXTRecord(qname, DClass.IN, 28800, SCHEMA_VERSION)));
        }
        return chain(qname, qtype, base);
      }
      case Type.A, Type.AAAA -> {
        if (base.equals("ns.dns")) {
          return answer(addressRecords(qname, qtype, nameservers));
        }
        return chain(qname, qtype, base);
      }
      case Type.SRV -> {
        return srv(qname, base);
      }
      case Type.CNAME -> {
        NameLookup.Lookup lookup = names.lookup(base);
        if (lookup.nameError()) {
          return nameError();
        }
        NameLookup.Hit external = lookup.external();
        return external == null
            ? noData()
            : answer(List.of(new CNAMERecord(qname, DClass.IN, ttl, external.target())));
      }
      default -> {
        return existence(base);
      }
    }
  }

  // ---- answers by type

  /** A, AAAA or TXT: addresses, following CNAMEs of ExternalName Services. */
  private ZoneDecision chain(Name qname, int qtype, String base) {
    NameLookup.Lookup lookup = names.lookup(base);
    if (lookup.nameError()) {
      return nameError();
    }
    List<Record> cnames = new ArrayList<>();
    Name owner = qname;
    for (int depth = 0; ; depth++) {
      NameLookup.Hit external = lookup.external();
      if (external == null) {
        List<InetAddress> ips = new ArrayList<>(new LinkedHashSet<>(ips(lookup.hits())));
        List<Record> found = addressRecords(owner, qtype, ips);
        if (found.isEmpty()) {
          return noData();
        }
        cnames.addAll(found);
        return answer(cnames);
      }
      Name target = external.target();
      if (target.equals(owner) || depth >= MAX_CNAME_CHAIN) {
        return noData();
      }
      cnames.add(new CNAMERecord(owner, DClass.IN, ttl, target));
      String targetName = lower(target);
      if (!targetName.equals(zone) && !targetName.endsWith(dotZone)) {
        return new ChaseExternal(cnames, target, qtype, noData());
      }
      lookup =
          names.lookup(
              targetName.equals(zone)
                  ? ""
                  : targetName.substring(0, targetName.length() - dotZone.length()));
      if (lookup.nameError()) {
        return noData();
      }
      owner = target;
    }
  }

  private ZoneDecision srv(Name qname, String base) {
    NameLookup.Lookup lookup = names.lookup(base);
    if (lookup.nameError()) {
      return nameError();
    }
    List<NameLookup.Hit> hits = lookup.hits().stream().filter(h -> h.target() == null).toList();
    int weight = hits.isEmpty() ? 100 : Math.max(1, 100 / hits.size());
    List<Record> answer = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    Set<String> seenSrv = new HashSet<>();
    Set<String> seenAddress = new HashSet<>();
    for (NameLookup.Hit h : hits) {
      if (h.port() == -1) {
        continue;
      }
      if (seenSrv.add(h.owner() + ":" + h.port())) {
        answer.add(new SRVRecord(qname, DClass.IN, ttl, 0, weight, h.port(), h.owner()));
      }
      if (seenAddress.add(h.owner() + "/" + h.ip().getHostAddress())) {
        additional.add(addressRecord(h.owner(), h.ip()));
      }
    }
    if (answer.isEmpty()) {
      return noData();
    }
    return new Answer(Rcode.NOERROR, true, answer, List.of(), additional);
  }

  private ZoneDecision reverse(Name qname) {
    InetAddress ip;
    try {
      ip = ReverseMap.fromName(qname);
    } catch (UnknownHostException | RuntimeException e) {
      return ZoneDecision.FORWARD;
    }
    List<ReverseEntry> services = records.clusterIpOwners(ip);
    List<Record> answer = new ArrayList<>();
    if (!services.isEmpty()) {
      ReverseEntry s = services.get(0);
      answer.add(ptr(qname, s.service() + "." + s.namespace() + ".svc." + zone));
    } else {
      Set<String> seen = new HashSet<>();
      for (ReverseEntry e : records.endpointOwners(ip)) {
        String target = e.hostname() + "." + e.service() + "." + e.namespace() + ".svc." + zone;
        if (seen.add(target)) {
          answer.add(ptr(qname, target));
        }
      }
    }
    return answer.isEmpty() ? ZoneDecision.FORWARD : answer(answer);
  }

  private ZoneDecision nameserverRecords(Name qname) {
    List<Record> additional = new ArrayList<>();
    for (InetAddress ip : nameservers) {
      additional.add(addressRecord(nsName, ip));
    }
    return new Answer(
        Rcode.NOERROR,
        true,
        List.of(new NSRecord(qname, DClass.IN, ttl, nsName)),
        List.of(),
        additional);
  }

  private ZoneDecision existence(String base) {
    if (base.equals("ns.dns")) {
      return noData();
    }
    return names.lookup(base).nameError() ? nameError() : noData();
  }

  // ---- records

  private List<Record> addressRecords(Name owner, int qtype, List<InetAddress> ips) {
    List<Record> out = new ArrayList<>(ips.size());
    for (InetAddress ip : ips) {
      boolean v4 = ip instanceof Inet4Address;
      if (qtype == Type.A && v4 || qtype == Type.AAAA && !v4) {
        out.add(addressRecord(owner, ip));
      }
    }
    if (out.size() > 1) {
      Collections.shuffle(out, ThreadLocalRandom.current());
    }
    return out;
  }

  private Record addressRecord(Name owner, InetAddress ip) {
    return ip instanceof Inet4Address
        ? new ARecord(owner, DClass.IN, ttl, ip)
        : new AAAARecord(owner, DClass.IN, ttl, ip);
  }

  private static List<InetAddress> ips(List<NameLookup.Hit> hits) {
    List<InetAddress> ips = new ArrayList<>(hits.size());
    for (NameLookup.Hit h : hits) {
      if (h.ip() != null) {
        ips.add(h.ip());
      }
    }
    return ips;
  }

  private Record ptr(Name qname, String target) {
    return new PTRRecord(qname, DClass.IN, ttl, NameLookup.absolute(target));
  }

  /** The zone's SOA, as CoreDNS: serial from the last change, minimum TTL the records' TTL. */
  public SOARecord soa() {
    long serial = records.modifiedSeconds() & 0xFFFFFFFFL;
    SOARecord s = soa;
    if (s == null || s.getSerial() != serial) {
      s =
          new SOARecord(
              zoneName,
              DClass.IN,
              Math.min(ttl, 300),
              nsName,
              hostmaster,
              serial,
              7200,
              1800,
              86400,
              ttl);
      soa = s;
    }
    return s;
  }

  private Answer answer(List<Record> answer) {
    return new Answer(Rcode.NOERROR, true, answer, List.of(), List.of());
  }

  private Answer noData() {
    return new Answer(Rcode.NOERROR, true, List.of(), List.of(soa()), List.of());
  }

  private Answer nameError() {
    int rcode = records.synced() ? Rcode.NXDOMAIN : Rcode.SERVFAIL;
    return new Answer(rcode, true, List.of(), List.of(soa()), List.of());
  }

  // ---- names

  private static String lower(Name name) {
    return name.toString(true).toLowerCase(Locale.ROOT);
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}

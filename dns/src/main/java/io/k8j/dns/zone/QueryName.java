package io.k8j.dns.zone;

/**
 * A name inside the cluster zone, read from the right as the Kubernetes DNS specification lays it
 * out: {@code [_port._protocol. | endpoint.]service.namespace.(svc|pod)}. Fields not in the name
 * are empty.
 */
record QueryName(
    String podOrSvc,
    String namespace,
    String service,
    String endpoint,
    String port,
    String protocol) {

  static final String SVC = "svc";
  static final String POD = "pod";

  /** The zone apex, {@code svc.<zone>} or {@code pod.<zone>}: names that exist with no records. */
  static final QueryName EMPTY = new QueryName("", "", "", "", "", "");

  /**
   * Reads {@code base}, the lower-case name less the zone (and its dot); null when the name cannot
   * exist (not under svc or pod, or too many labels).
   */
  static QueryName parse(String base) {
    if (base.isEmpty() || base.equals(SVC) || base.equals(POD)) {
      return EMPTY;
    }
    String[] labels = base.split("\\.", -1);
    int last = labels.length - 1;
    String podOrSvc = labels[last];
    if (!podOrSvc.equals(SVC) && !podOrSvc.equals(POD)) {
      return null;
    }
    String namespace = last >= 1 ? labels[last - 1] : "";
    String service = last >= 2 ? labels[last - 2] : "";
    String endpoint = "";
    String port = "";
    String protocol = "";
    switch (last) {
      case 0, 1, 2 -> {}
      case 3 -> endpoint = labels[0];
      case 4 -> {
        port = stripUnderscore(labels[0]);
        protocol = stripUnderscore(labels[1]);
      }
      default -> {
        return null;
      }
    }
    return new QueryName(podOrSvc, namespace, service, endpoint, port, protocol);
  }

  private static String stripUnderscore(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }
}

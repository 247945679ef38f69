package io.k8j.apiserver;

import io.k8j.common.Clock;
import io.k8j.common.Records;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link ApiServer} runs.
 *
 * @param bindAddress the address to listen on
 * @param securePort the HTTPS port; 0 picks a free one
 * @param dataDir where the certificates, the admin token and {@code admin.kubeconfig} live
 * @param serviceCidr the range Service cluster IPs come from
 * @param maxInFlight the most non-watch requests served at once; more get 429
 * @param advertiseAddress the address the {@code kubernetes} Service's endpoints point at
 * @param bookmarkInterval how often idle watches that asked for bookmarks get one
 * @param compactionInterval how often the store's history is compacted (and how much is kept)
 * @param encryptionProviderConfig {@code --encryption-provider-config}: an EncryptionConfiguration
 *     file; null stores everything as it is
 * @param audit the audit policy and log
 * @param serviceAccountAdmission run the ServiceAccount admission plugin (default service account,
 *     projected token volume); off by default, as it forbids every pod until its service account
 *     exists, which needs the controller manager ({@code k8j server} turns it on)
 * @param admissionControlConfigFile {@code --admission-control-config-file}: an
 *     AdmissionConfiguration file (PodSecurity's defaults and exemptions); null for the defaults
 */
public record ApiServerOptions(
    String bindAddress,
    int securePort,
    Path dataDir,
    String serviceCidr,
    int maxInFlight,
    String advertiseAddress,
    Duration bookmarkInterval,
    Duration compactionInterval,
    Clock clock,
    Path encryptionProviderConfig,
    AuditOptions audit,
    boolean serviceAccountAdmission,
    Path admissionControlConfigFile) {

  /**
   * Upstream's audit flags.
   *
   * @param policyFile {@code --audit-policy-file}: an audit.k8s.io/v1 Policy; null audits nothing
   * @param logPath {@code --audit-log-path}: the log file, {@code -} for standard output; null
   *     audits nothing
   * @param maxSizeMegabytes {@code --audit-log-maxsize}: rotate the file past this size; 0 never
   * @param maxAgeDays {@code --audit-log-maxage}: remove rotated files older than this; 0 never
   * @param maxBackups {@code --audit-log-maxbackup}: keep at most this many rotated files; 0 all
   */
  public record AuditOptions(
      Path policyFile, Path logPath, int maxSizeMegabytes, int maxAgeDays, int maxBackups) {
    public static final AuditOptions NONE = new AuditOptions(null, null, 0);

    public AuditOptions(Path policyFile, Path logPath, int maxSizeMegabytes) {
      this(policyFile, logPath, maxSizeMegabytes, 0, 0);
    }

    public boolean enabled() {
      return policyFile != null && logPath != null;
    }
  }

  public static final int DEFAULT_SECURE_PORT = 6443;
  public static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";

  /** The defaults: 0.0.0.0:6443, 10.43.0.0/16, 400 requests in flight, compaction every 5 min. */
  public static ApiServerOptions defaults(Path dataDir) {
    return new ApiServerOptions(
        "0.0.0.0",
        DEFAULT_SECURE_PORT,
        dataDir,
        DEFAULT_SERVICE_CIDR,
        400,
        "127.0.0.1",
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Clock.SYSTEM,
        null,
        AuditOptions.NONE,
        false,
        null);
  }

  public ApiServerOptions withPort(int port) {
    return Records.with(this, "securePort", port);
  }

  public ApiServerOptions withBindAddress(String address) {
    return Records.with(this, "bindAddress", address);
  }

  public ApiServerOptions withMaxInFlight(int n) {
    return Records.with(this, "maxInFlight", n);
  }

  public ApiServerOptions withBookmarkInterval(Duration d) {
    return Records.with(this, "bookmarkInterval", d);
  }

  public ApiServerOptions withCompactionInterval(Duration d) {
    return Records.with(this, "compactionInterval", d);
  }

  public ApiServerOptions withServiceCidr(String cidr) {
    return Records.with(this, "serviceCidr", cidr);
  }

  public ApiServerOptions withAdvertiseAddress(String address) {
    return Records.with(this, "advertiseAddress", address);
  }

  public ApiServerOptions withEncryptionProviderConfig(Path file) {
    return Records.with(this, "encryptionProviderConfig", file);
  }

  public ApiServerOptions withAudit(AuditOptions a) {
    return Records.with(this, "audit", a);
  }

  public ApiServerOptions withServiceAccountAdmission(boolean on) {
    return Records.with(this, "serviceAccountAdmission", on);
  }

  public ApiServerOptions withAdmissionControlConfigFile(Path file) {
    return Records.with(this, "admissionControlConfigFile", file);
  }

  /** The admin kubeconfig the server writes. */
  public Path kubeconfig() {
    return dataDir.resolve("admin.kubeconfig");
  }
}

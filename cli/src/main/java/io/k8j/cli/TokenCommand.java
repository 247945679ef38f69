package io.k8j.cli;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.apiserver.auth.BootstrapToken;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code k8j token create|list|delete}: bootstrap tokens for joining nodes, kept as Secrets {@code
 * kube-system/bootstrap-token-<id>} (kubeadm's format), managed with the server's admin kubeconfig.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage the bootstrap tokens nodes join with (k8j agent --token).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Delete.class
    })
final class TokenCommand implements Runnable {
  static final String EXTRA_GROUP = "system:bootstrappers:k8j:default-node-token";

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** What every token subcommand needs: where the server's admin kubeconfig is. */
  static class Server {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "The server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    @Option(
        names = "--kubeconfig",
        paramLabel = "FILE",
        description = "An admin kubeconfig (default: admin.kubeconfig in the data directory).")
    Path kubeconfig;

    Config config() throws Exception {
      Path file = kubeconfig != null ? kubeconfig : dataDir.resolve("admin.kubeconfig");
      if (!Files.exists(file)) {
        throw new IllegalArgumentException(
            file + " does not exist: run this on the server, or give --data-dir or --kubeconfig");
      }
      return Config.fromKubeconfig(Files.readString(file));
    }

    int run(String what, Body body) {
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config()).build()) {
        return body.run(client);
      } catch (KubernetesClientException e) {
        System.err.println(
            "k8j token "
                + what
                + ": "
                + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
        return 1;
      } catch (Exception e) {
        System.err.println("k8j token " + what + ": " + ServerCommand.rootCauseMessage(e));
        return 1;
      }
    }
  }

  interface Body {
    int run(KubernetesClient client) throws Exception;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a bootstrap token and print the join token for k8j agent --token:",
        "K10<sha256 of the cluster CA>::<id>.<secret>."
      })
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.Mixin Server server = new Server();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = GoDuration.class,
        description = "How long the token works, e.g. 30m, 24h; 0 never expires (default: 24h).")
    Duration ttl = Duration.ofHours(24);

    @Option(
        names = "--description",
        paramLabel = "TEXT",
        description = "What the token is for, shown by token list.")
    String description;

    @Override
    public Integer call() {
      return server.run(
          "create",
          client -> {
            Duration life = ttl;
            BootstrapToken token = BootstrapToken.generate();
            Map<String, String> data = new LinkedHashMap<>();
            data.put("token-id", token.id());
            data.put("token-secret", token.secret());
            if (!life.isZero()) {
              data.put(
                  "expiration",
                  Instant.now().plus(life).truncatedTo(ChronoUnit.SECONDS).toString());
            }
            data.put("usage-bootstrap-authentication", "true");
            data.put("usage-bootstrap-signing", "true");
            data.put("auth-extra-groups", EXTRA_GROUP);
            if (description != null) {
              data.put("description", description);
            }
            client
                .secrets()
                .inNamespace("kube-system")
                .resource(
                    new SecretBuilder()
                        .withNewMetadata()
                        .withName(token.secretName())
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withType(BootstrapToken.SECRET_TYPE)
                        .withStringData(data)
                        .build())
                .create();
            X509Certificate ca = caOf(client.getConfiguration());
            spec.commandLine().getOut().println(new JoinToken(JoinToken.caHash(ca), token));
            spec.commandLine().getOut().flush();
            return 0;
          });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List bootstrap tokens.")
  static final class ListTokens implements Callable<Integer> {
    @picocli.CommandLine.Mixin Server server = new Server();

    @Override
    public Integer call() {
      return server.run(
          "list",
          client -> {
            List<Secret> secrets =
                client.secrets().inNamespace("kube-system").list().getItems().stream()
                    .filter(s -> BootstrapToken.SECRET_TYPE.equals(s.getType()))
                    .toList();
            String fmt = "%-24s %-8s %-22s %s%n";
            System.out.printf(fmt, "TOKEN", "TTL", "EXPIRES", "DESCRIPTION");
            for (Secret s : secrets) {
              String exp = data(s, "expiration");
              String ttlLeft = "<forever>";
              if (!exp.isEmpty()) {
                try {
                  long secs =
                      Duration.between(Instant.now(), OffsetDateTime.parse(exp).toInstant())
                          .toSeconds();
                  ttlLeft = secs <= 0 ? "<expired>" : human(secs);
                } catch (DateTimeParseException e) {
                  ttlLeft = "<invalid>";
                }
              }
              System.out.printf(
                  fmt,
                  data(s, "token-id") + "." + data(s, "token-secret"),
                  ttlLeft,
                  exp.isEmpty() ? "<never>" : exp,
                  data(s, "description"));
            }
            return 0;
          });
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete bootstrap tokens (by id or whole token): nodes cannot join with them.")
  static final class Delete implements Callable<Integer> {
    @picocli.CommandLine.Mixin Server server = new Server();

    @Parameters(
        arity = "1..*",
        paramLabel = "TOKEN",
        description = "A token id, id.secret or join token.")
    List<String> tokens;

    @Override
    public Integer call() {
      return server.run(
          "delete",
          client -> {
            int code = 0;
            for (String t : tokens) {
              String id = t.contains("::") ? t.substring(t.indexOf("::") + 2) : t;
              id = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
              boolean gone =
                  !client
                      .secrets()
                      .inNamespace("kube-system")
                      .withName(BootstrapToken.SECRET_PREFIX + id)
                      .delete()
                      .isEmpty();
              if (gone) {
                System.out.println("bootstrap token \"" + id + "\" deleted");
              } else {
                System.err.println("k8j token delete: bootstrap token \"" + id + "\" not found");
                code = 1;
              }
            }
            return code;
          });
    }
  }

  static X509Certificate caOf(Config config) throws Exception {
    byte[] pem =
        config.getCaCertData() != null
            ? Base64.getDecoder().decode(config.getCaCertData())
            : Files.readAllBytes(Path.of(config.getCaCertFile()));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  private static String human(long secs) {
    return secs >= 3600 ? secs / 3600 + "h" : secs >= 60 ? secs / 60 + "m" : secs + "s";
  }

  private static String data(Secret s, String key) {
    String v = s.getData() == null ? null : s.getData().get(key);
    return v == null ? "" : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
  }
}

package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code k8j server --config FILE}: flags from YAML, the command line winning. */
class ConfigFileTest {
  @TempDir Path dir;

  private ServerCommand parse(String yaml, String... args) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    ServerCommand server = new ServerCommand();
    CommandLine cmd = new CommandLine(server);
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = file.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    ConfigFile.install(cmd, all);
    cmd.parseArgs(all);
    return server;
  }

  @Test
  void flagsComeFromTheFileAndTheCommandLineWins() throws Exception {
    ServerCommand s =
        parse(
            """
            node-name: web-1
            https-listen-port: 7443
            datastore-endpoint:
              - http://10.0.0.1:2379
              - http://10.0.0.2:2379
            disable-agent: true
            """,
            "--node-name",
            "web-2");
    assertThat(s.node.nodeName).isEqualTo("web-2");
    assertThat(s.httpsPort).isEqualTo(7443);
    assertThat(s.datastoreEndpoints)
        .isEqualTo(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"));
    assertThat(s.disableAgent).isTrue();
  }

  @Test
  void anUnknownKeyIsRefusedWithItsName() {
    assertThatThrownBy(() -> parse("node-nam: web-1\n"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("unknown flag \"node-nam\"")
        .hasMessageContaining("config.yaml");
  }

  @Test
  void aMissingFileIsNamed() {
    CommandLine cmd = new CommandLine(new ServerCommand());
    assertThatThrownBy(
            () -> ConfigFile.install(cmd, new String[] {"--config", "/nonexistent/k8j.yaml"}))
        .hasMessageContaining("/nonexistent/k8j.yaml: no such file");
  }
}

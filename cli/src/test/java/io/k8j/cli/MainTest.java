package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out));
    int code = cmd.execute(args);
    assertThat(code).as(String.join(" ", args)).isZero();
    return out.toString();
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).contains("server", "bench", "version");
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Main()), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(5);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      assertThat(run(args.toArray(String[]::new))).as(path.toString()).contains("Usage:");
    }
  }

  @Test
  void serverHelpDocumentsItsFlags() {
    assertThat(run("server", "--help"))
        .contains("--data-dir", "--datastore-endpoint", "--https-listen-port", "--runtime");
  }

  private static void collect(CommandLine cmd, List<String> prefix, List<List<String>> out) {
    for (var e : cmd.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      out.add(path);
      collect(e.getValue(), path, out);
    }
  }
}

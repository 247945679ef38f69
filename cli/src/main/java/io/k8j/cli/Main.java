package io.k8j.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code k8j} command. */
@Command(
    name = "k8j",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Kubernetes, written in Java.",
    subcommands = {
      ServerCommand.class,
      BenchCommand.class,
      ImagesCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0 || !ServerCommand.isRunning()) {
      System.exit(code);
    }
  }
}

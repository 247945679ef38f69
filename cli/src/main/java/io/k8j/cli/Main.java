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
      AgentCommand.class,
      TokenCommand.class,
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
    CommandLine cmd = new CommandLine(new Main());
    int code;
    CommandLine sub = args.length > 0 ? cmd.getSubcommands().get(args[0]) : null;
    try {
      if (sub != null) {
        ConfigFile.install(sub, java.util.Arrays.copyOfRange(args, 1, args.length));
      }
      code = cmd.execute(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println("k8j: " + e.getMessage());
      code = 2;
    }
    if (code != 0 || !(ServerCommand.isRunning() || AgentCommand.isRunning())) {
      System.exit(code);
    }
  }
}

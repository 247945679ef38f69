package io.k8j.proxy.iptables;

import io.k8j.proxy.exec.CommandResult;
import io.k8j.proxy.exec.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The iptables commands the proxier runs: {@code <cmd>-restore}, {@code <cmd>-save} and {@code
 * <cmd>} itself, where {@code <cmd>} is {@code iptables}, {@code iptables-legacy} or {@code
 * iptables-nft}. Every command waits up to 5 s for the xtables lock.
 */
final class Iptables {
  private final CommandRunner runner;
  private final String command;

  Iptables(CommandRunner runner, String command) {
    this.runner = runner;
    this.command = command;
  }

  /** True if iptables is installed and usable here (root, and the kernel has the nat table). */
  boolean works() {
    try {
      return runner.run(List.of(command, "-w", "5", "-t", "nat", "-L", "POSTROUTING", "-n")).ok();
    } catch (IOException e) {
      return false;
    }
  }

  /** Applies {@code text} in one transaction, leaving chains it does not name alone. */
  void restore(String text) throws IOException {
    CommandResult r = runner.run(List.of(command + "-restore", "-w", "5", "--noflush"), text);
    if (!r.ok()) {
      throw new IOException(
          command + "-restore failed (exit " + r.exitCode() + "): " + r.stderr().strip());
    }
  }

  /** The names of the chains of {@code table}. */
  Set<String> chains(String table) throws IOException {
    CommandResult r = runner.run(List.of(command + "-save", "-t", table)).orThrow();
    Set<String> chains = new LinkedHashSet<>();
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith(":")) {
        int space = line.indexOf(' ');
        chains.add(line.substring(1, space < 0 ? line.length() : space));
      }
    }
    return chains;
  }

  /** Inserts the rule at the head of {@code chain} unless it is there already. */
  void ensureRule(String table, String chain, List<String> rule) throws IOException {
    if (!runner.run(args(table, "-C", chain, rule)).ok()) {
      runner.run(args(table, "-I", chain, rule)).orThrow();
    }
  }

  /** Deletes every copy of the rule from {@code chain}; nothing if it is not there. */
  void deleteRule(String table, String chain, List<String> rule) throws IOException {
    for (int i = 0; i < 10 && runner.run(args(table, "-D", chain, rule)).ok(); i++) {
      // deleted one copy
    }
  }

  /** Sets a sysctl such as {@code net.ipv4.conf.all.route_localnet}. */
  void sysctl(String name, String value) throws IOException {
    runner.run(List.of("sysctl", "-q", "-w", name + "=" + value)).orThrow();
  }

  private List<String> args(String table, String op, String chain, List<String> rule) {
    List<String> a = new ArrayList<>(List.of(command, "-w", "5", "-t", table, op, chain));
    a.addAll(rule);
    return a;
  }
}

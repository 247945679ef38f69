package io.k8j.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver configuration of {@code /etc/resolv.conf}: nameservers, search domains, options.
 * Read as the kubelet reads a node's file ({@code search} and {@code options} lines, the last
 * {@code search} line winning; {@code domain} and comments ignored) and written as container
 * runtimes write a pod's.
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {
  public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

  public ResolvConf {
    nameservers = List.copyOf(nameservers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }

  /** The file's configuration; {@link #EMPTY} when there is no such file. */
  public static ResolvConf read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      return EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static ResolvConf parse(String content) {
    List<String> nameservers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (String line : content.split("\n")) {
      int comment = indexOfComment(line);
      String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      switch (fields[0]) {
        case "nameserver" -> nameservers.add(fields[1]);
        case "search" -> {
          searches.clear();
          for (int i = 1; i < fields.length; i++) {
            if (!fields[i].equals(".")) {
              searches.add(
                  fields[i].endsWith(".")
                      ? fields[i].substring(0, fields[i].length() - 1)
                      : fields[i]);
            }
          }
        }
        case "options" -> {
          for (int i = 1; i < fields.length; i++) {
            String name = optionName(fields[i]);
            options.removeIf(o -> optionName(o).equals(name));
            options.add(fields[i]);
          }
        }
        default -> {}
      }
    }
    return new ResolvConf(nameservers, searches, options);
  }

  /** The file's content: {@code search}, then {@code nameserver} lines, then {@code options}. */
  public String render() {
    StringBuilder b = new StringBuilder();
    if (!searches.isEmpty()) {
      b.append("search ").append(String.join(" ", searches)).append('\n');
    }
    for (String ns : nameservers) {
      b.append("nameserver ").append(ns).append('\n');
    }
    if (!options.isEmpty()) {
      b.append("options ").append(String.join(" ", options)).append('\n');
    }
    return b.toString();
  }

  /** An option's name: {@code ndots} for {@code ndots:5}. */
  static String optionName(String option) {
    int colon = option.indexOf(':');
    return colon < 0 ? option : option.substring(0, colon);
  }

  private static int indexOfComment(String line) {
    int hash = line.indexOf('#');
    int semi = line.indexOf(';');
    if (hash < 0) {
      return semi;
    }
    return semi < 0 ? hash : Math.min(hash, semi);
  }
}

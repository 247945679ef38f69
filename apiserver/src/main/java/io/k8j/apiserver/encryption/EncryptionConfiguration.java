package io.k8j.apiserver.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Upstream's {@code apiserver.config.k8s.io/v1 EncryptionConfiguration}: for each set of resources
 * ({@code secrets}, {@code deployments.apps}, {@code *.apps}, {@code *.*}), its providers in order.
 * The first provider encrypts new writes; every listed one may decrypt.
 */
public record EncryptionConfiguration(List<Rule> rules) {

  /** The providers of some resources. */
  public record Rule(List<String> resources, List<Provider> providers) {
    /** Whether the rule covers {@code plural} of {@code group} ("" for the core group). */
    public boolean covers(String group, String plural) {
      for (String r : resources) {
        String name = group.isEmpty() ? plural : plural + "." + group;
        if (r.equals(name)
            || r.equals("*.*")
            || group.isEmpty() && r.equals("*.")
            || !group.isEmpty() && r.equals("*." + group)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Reads the file; a malformed one is an {@link IllegalArgumentException} naming what is wrong.
   */
  public static EncryptionConfiguration read(Path file) throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    if (doc == null || !"EncryptionConfiguration".equals(doc.path("kind").asText())) {
      throw new IllegalArgumentException(file + ": not an EncryptionConfiguration");
    }
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : doc.path("resources")) {
      List<String> resources = new ArrayList<>();
      r.path("resources").forEach(n -> resources.add(n.asText()));
      List<Provider> providers = new ArrayList<>();
      for (JsonNode p : r.path("providers")) {
        providers.addAll(providers(p));
      }
      if (resources.isEmpty() || providers.isEmpty()) {
        throw new IllegalArgumentException(
            file + ": each entry of resources needs resources and providers");
      }
      rules.add(new Rule(List.copyOf(resources), List.copyOf(providers)));
    }
    return new EncryptionConfiguration(List.copyOf(rules));
  }

  private static List<Provider> providers(JsonNode p) {
    List<Provider> out = new ArrayList<>();
    if (p.has("identity")) {
      out.add(new Provider.Identity());
    }
    for (String type : List.of("aesgcm", "aescbc")) {
      for (JsonNode k : p.path(type).path("keys")) {
        String name = k.path("name").asText("");
        byte[] secret;
        try {
          secret = Base64.getDecoder().decode(k.path("secret").asText(""));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("key " + name + ": secret is not base64");
        }
        if (name.isEmpty() || !List.of(16, 24, 32).contains(secret.length)) {
          throw new IllegalArgumentException(
              "key " + name + ": needs a name and a 16, 24 or 32 byte secret");
        }
        out.add(
            type.equals("aesgcm")
                ? new Provider.AesGcm(name, secret)
                : new Provider.AesCbc(name, secret));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "unsupported provider " + p.fieldNames().next() + ": use aesgcm, aescbc or identity");
    }
    return out;
  }

  /** The providers of a resource, or null when it is stored as it is. */
  public List<Provider> providersFor(String group, String plural) {
    for (Rule r : rules) {
      if (r.covers(group, plural)) {
        return r.providers();
      }
    }
    return null;
  }
}

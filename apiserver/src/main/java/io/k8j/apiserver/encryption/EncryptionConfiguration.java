package io.k8j.apiserver.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k8j.common.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    for (String type : List.of("aesgcm", "aescbc", "secretbox")) {
      for (JsonNode k : p.path(type).path("keys")) {
        String name = k.path("name").asText("");
        byte[] secret;
        try {
          secret = Base64.getDecoder().decode(k.path("secret").asText(""));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("key " + name + ": secret is not base64");
        }
        List<Integer> sizes = type.equals("secretbox") ? List.of(32) : List.of(16, 24, 32);
        if (name.isEmpty() || !sizes.contains(secret.length)) {
          throw new IllegalArgumentException(
              "key "
                  + name
                  + ": needs a name and a "
                  + (type.equals("secretbox") ? "32" : "16, 24 or 32")
                  + " byte secret");
        }
        out.add(
            switch (type) {
              case "aesgcm" -> new Provider.AesGcm(name, secret);
              case "aescbc" -> new Provider.AesCbc(name, secret);
              default -> new Provider.Secretbox(name, secret);
            });
      }
    }
    if (p.has("kms")) {
      out.add(kms(p.path("kms")));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "unsupported provider "
              + p.fieldNames().next()
              + ": use aesgcm, aescbc, secretbox, kms or identity");
    }
    return out;
  }

  /**
   * A {@code kms} provider: only {@code apiVersion: v2} (KMS v1 is deprecated upstream and off
   * unless a feature gate enables it), with a name without ':', a {@code unix://} endpoint and an
   * optional {@code timeout} (3s by default).
   */
  private static Provider kms(JsonNode k) {
    String name = k.path("name").asText("");
    String version = k.path("apiVersion").asText("v1");
    if (!version.equals("v2")) {
      throw new IllegalArgumentException(
          "kms provider "
              + name
              + ": apiVersion "
              + version
              + " is not supported: KMSv1 is deprecated, use apiVersion: v2");
    }
    if (name.isEmpty() || name.contains(":")) {
      throw new IllegalArgumentException(
          "kms provider: name: Invalid value: \"" + name + "\": should be non-empty, without ':'");
    }
    String endpoint = k.path("endpoint").asText("");
    Duration timeout = Duration.ofSeconds(3);
    if (k.has("timeout")) {
      timeout = io.k8j.apiserver.http.GoDurations.parse(k.path("timeout").asText());
      if (timeout == null || timeout.isZero()) {
        throw new IllegalArgumentException(
            "kms provider " + name + ": timeout: Invalid value: " + k.path("timeout").asText());
      }
    }
    return new KmsV2(name, endpoint, timeout, Duration.ofMinutes(1), Clock.SYSTEM);
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

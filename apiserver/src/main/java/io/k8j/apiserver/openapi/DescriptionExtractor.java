package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Run at build time (see the apiserver pom): reads upstream's API documentation from the model
 * classes of the Kubernetes Java client ({@code io.kubernetes:client-java-api}, generated from
 * upstream's OpenAPI spec, whose {@code @ApiModel} and {@code @ApiModelProperty} annotations carry
 * the descriptions and required fields) and writes them, keyed by the client's type name ({@code
 * V1DeploymentSpec}), to the resource {@link ModelDocs} reads. The annotations are read
 * reflectively, so the server does not depend on the client.
 */
public final class DescriptionExtractor {
  private static final String MODELS = "io/kubernetes/client/openapi/models/";

  /** The client's types of the fields whose values are strings of a known format. */
  private static final java.util.Map<String, String> FORMATS =
      java.util.Map.of(
          "java.time.OffsetDateTime", "date-time",
          "io.kubernetes.client.custom.IntOrString", "int-or-string",
          "io.kubernetes.client.custom.Quantity", "quantity");

  private DescriptionExtractor() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> anchor = Class.forName("io.kubernetes.client.openapi.models.V1Pod", false, loader);
    Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    TreeMap<String, ObjectNode> types = new TreeMap<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = jf.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.startsWith(MODELS) && name.endsWith(".class") && !name.contains("$")) {
          String simple = name.substring(MODELS.length(), name.length() - ".class".length());
          ObjectNode doc =
              describe(Class.forName(anchor.getPackageName() + "." + simple, false, loader));
          if (doc != null) {
            types.put(simple, doc);
          }
        }
      }
    }
    ObjectNode root = Json.object();
    root.put("source", jar.getFileName().toString());
    ObjectNode all = root.putObject("types");
    types.forEach(all::set);
    ObjectNode fields = root.putObject("protoFields");
    ProtoComments.read(loader)
        .forEach((message, byField) -> byField.forEach(fields.putObject(message)::put));
    Files.createDirectories(out.getParent());
    write(out, root);
    System.out.println(
        "wrote the descriptions of "
            + types.size()
            + " types and the field comments of "
            + fields.size()
            + " protobuf messages to "
            + out);
  }

  private static void write(Path out, ObjectNode root) throws IOException {
    Files.write(out, Json.bytes(root));
  }

  private static ObjectNode describe(Class<?> c) throws ReflectiveOperationException {
    ObjectNode doc = Json.object();
    String description =
        text(annotation(c.getAnnotations(), "io.swagger.annotations.ApiModel"), "description");
    if (description != null && !description.isEmpty()) {
      doc.put("description", description);
    }
    ObjectNode fields = Json.object();
    ObjectNode formats = Json.object();
    ArrayNode required = Json.MAPPER.createArrayNode();
    for (Field f : c.getDeclaredFields()) {
      Object serialized =
          annotation(f.getAnnotations(), "com.google.gson.annotations.SerializedName");
      if (serialized == null) {
        continue;
      }
      String json = text(serialized, "value");
      String format = FORMATS.get(f.getType().getName());
      if (format != null) {
        formats.put(json, format);
      }
      Method getter = getter(c, f.getName());
      Object property =
          getter == null
              ? null
              : annotation(getter.getAnnotations(), "io.swagger.annotations.ApiModelProperty");
      if (property == null) {
        continue;
      }
      String value = text(property, "value");
      if (value != null && !value.isEmpty()) {
        fields.put(json, value);
      }
      if (Boolean.TRUE.equals(property.getClass().getMethod("required").invoke(property))) {
        required.add(json);
      }
    }
    if (!fields.isEmpty()) {
      doc.set("fields", fields);
    }
    if (!formats.isEmpty()) {
      doc.set("formats", formats);
    }
    if (!required.isEmpty()) {
      doc.set("required", required);
    }
    return doc.isEmpty() ? null : doc;
  }

  private static Method getter(Class<?> c, String field) {
    String cap = Character.toUpperCase(field.charAt(0)) + field.substring(1);
    for (String name : new String[] {"get" + cap, "is" + cap}) {
      try {
        return c.getMethod(name);
      } catch (NoSuchMethodException e) {
        // try the next form
      }
    }
    return null;
  }

  private static Object annotation(Annotation[] annotations, String type) {
    for (Annotation a : annotations) {
      if (a.annotationType().getName().equals(type)) {
        return a;
      }
    }
    return null;
  }

  private static String text(Object annotation, String attribute)
      throws ReflectiveOperationException {
    if (annotation == null) {
      return null;
    }
    Method m = ((Annotation) annotation).annotationType().getMethod(attribute);
    return (String) m.invoke(annotation);
  }
}

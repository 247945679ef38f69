package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.k8j.apiserver.Json;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Storage;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes protobuf bodies ({@code application/vnd.kubernetes.protobuf}), which kubectl's
 * typed clients send ({@code kubectl create configmap}, {@code auth can-i}), into the same JSON
 * tree a JSON body gives: the {@code k8s\0} envelope's runtime.Unknown names the kind, whose
 * message descriptor decodes the raw bytes. Quantities, times and int-or-strings take their JSON
 * forms; bytes become base64.
 */
public final class ProtobufBodies {
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final Map<String, String> GROUPS =
      Map.of(
          "core", "",
          "rbac", "rbac.authorization.k8s.io",
          "storage", "storage.k8s.io",
          "networking", "networking.k8s.io",
          "authorization", "authorization.k8s.io",
          "authentication", "authentication.k8s.io",
          "certificates", "certificates.k8s.io");
  private static final Map<String, Descriptor> BY_GVK = index();

  private ProtobufBodies() {}

  public static boolean isProtobuf(String contentType) {
    return contentType != null
        && contentType.toLowerCase().startsWith("application/vnd.kubernetes.protobuf");
  }

  /** Decodes an enveloped protobuf object into JSON. */
  public static ObjectNode decode(byte[] body) {
    if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw ApiException.badRequest("provided object is not a Kubernetes protobuf envelope");
    }
    try {
      Unknown u = Unknown.parse(Arrays.copyOfRange(body, 4, body.length));
      Descriptor d = BY_GVK.get(u.apiVersion + "/" + u.kind);
      if (d == null) {
        throw new ApiException(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include:"
                + " application/json, application/yaml",
            null);
      }
      ObjectNode obj = message(DynamicMessage.parseFrom(d, u.raw));
      ObjectNode out = Json.object().put("kind", u.kind).put("apiVersion", u.apiVersion);
      out.setAll(obj);
      return out;
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("could not decode the protobuf body: " + e.getMessage());
    }
  }

  private record Unknown(String apiVersion, String kind, byte[] raw) {
    static Unknown parse(byte[] bytes) throws InvalidProtocolBufferException {
      DynamicMessage m = DynamicMessage.parseFrom(UNKNOWN, bytes);
      DynamicMessage typeMeta = (DynamicMessage) m.getField(UNKNOWN.findFieldByName("typeMeta"));
      String apiVersion = (String) typeMeta.getField(TYPE_META.findFieldByName("apiVersion"));
      String kind = (String) typeMeta.getField(TYPE_META.findFieldByName("kind"));
      byte[] raw = ((ByteString) m.getField(UNKNOWN.findFieldByName("raw"))).toByteArray();
      return new Unknown(apiVersion, kind, raw);
    }
  }

  private static final Descriptor UNKNOWN =
      io.kubernetes.client.proto.Runtime.getDescriptor().findMessageTypeByName("Unknown");
  private static final Descriptor TYPE_META =
      io.kubernetes.client.proto.Runtime.getDescriptor().findMessageTypeByName("TypeMeta");

  private static Map<String, Descriptor> index() {
    Map<String, Descriptor> m = new HashMap<>();
    List<FileDescriptor> files =
        List.of(
            V1.getDescriptor(),
            V1Apps.getDescriptor(),
            V1Batch.getDescriptor(),
            V1Autoscaling.getDescriptor(),
            V1Policy.getDescriptor(),
            V1Rbac.getDescriptor(),
            V1Storage.getDescriptor(),
            V1Networking.getDescriptor(),
            V1Authorization.getDescriptor(),
            io.kubernetes.client.proto.V1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1Certificates.getDescriptor());
    for (FileDescriptor f : files) {
      String[] pkg = f.getPackage().split("\\.");
      String version = pkg[pkg.length - 1];
      String groupPart = pkg[pkg.length - 2];
      String group = GROUPS.getOrDefault(groupPart, groupPart);
      String apiVersion = group.isEmpty() ? version : group + "/" + version;
      for (Descriptor d : f.getMessageTypes()) {
        m.put(apiVersion + "/" + d.getName(), d);
      }
    }
    return m;
  }

  private static ObjectNode message(Message msg) {
    ObjectNode o = Json.object();
    for (Map.Entry<FieldDescriptor, Object> e : msg.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      JsonNode v;
      if (f.isMapField()) {
        ObjectNode map = Json.object();
        for (Object entry : (List<?>) e.getValue()) {
          Message me = (Message) entry;
          Descriptor ed = me.getDescriptorForType();
          String key = String.valueOf(me.getField(ed.findFieldByName("key")));
          map.set(
              key, element(ed.findFieldByName("value"), me.getField(ed.findFieldByName("value"))));
        }
        v = map;
      } else if (f.isRepeated()) {
        ArrayNode a = Json.object().arrayNode();
        for (Object item : (List<?>) e.getValue()) {
          a.add(element(f, item));
        }
        v = a;
      } else {
        v = value(f, e.getValue());
      }
      if (v != null) {
        o.set(f.getName(), v);
      }
    }
    return o;
  }

  /**
   * An item of a list or a map's value: an empty string stays "" there ({@code apiGroups: [""]}, a
   * label with an empty value), where a lone empty field is left out as Go's omitempty does.
   */
  private static JsonNode element(FieldDescriptor f, Object v) {
    if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
      return JsonNodeFactory.instance.textNode((String) v);
    }
    return value(f, v);
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    JsonNodeFactory n = JsonNodeFactory.instance;
    return switch (f.getJavaType()) {
      case MESSAGE -> special((Message) v);
      case BYTE_STRING ->
          n.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case STRING -> ((String) v).isEmpty() ? null : n.textNode((String) v);
      case INT -> n.numberNode((Integer) v);
      case LONG -> n.numberNode((Long) v);
      case BOOLEAN -> n.booleanNode((Boolean) v);
      case DOUBLE -> n.numberNode((Double) v);
      case FLOAT -> n.numberNode((Float) v);
      case ENUM -> n.textNode(v.toString());
    };
  }

  private static JsonNode special(Message m) {
    JsonNodeFactory n = JsonNodeFactory.instance;
    Descriptor d = m.getDescriptorForType();
    switch (d.getFullName()) {
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
        return n.textNode((String) m.getField(d.findFieldByName("string")));
      }
      case "k8s.io.apimachinery.pkg.apis.meta.v1.Time" -> {
        long s = (Long) m.getField(d.findFieldByName("seconds"));
        return n.textNode(Instant.ofEpochSecond(s).toString());
      }
      case "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime" -> {
        long s = (Long) m.getField(d.findFieldByName("seconds"));
        int nanos = (Integer) m.getField(d.findFieldByName("nanos"));
        return n.textNode(Instant.ofEpochSecond(s, nanos / 1000 * 1000).toString());
      }
      case "k8s.io.apimachinery.pkg.apis.meta.v1.Duration" -> {
        return n.textNode((String) m.getField(d.findFieldByName("duration")));
      }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        long type = ((Number) m.getField(d.findFieldByName("type"))).longValue();
        return type == 0
            ? n.numberNode((Integer) m.getField(d.findFieldByName("intVal")))
            : n.textNode((String) m.getField(d.findFieldByName("strVal")));
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> {
        byte[] raw = ((ByteString) m.getField(d.findFieldByName("raw"))).toByteArray();
        return raw.length == 0 ? null : Json.parseObject(raw);
      }
      default -> {
        return message(m);
      }
    }
  }
}

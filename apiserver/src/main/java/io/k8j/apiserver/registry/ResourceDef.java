package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One resource, declared once: its identity (group, version, kind, names), scope, verbs,
 * subresources, Table columns, selectable fields, where it lives in the store and the strategy that
 * defaults and validates it. Everything else (routing, discovery, storage, watch, tables) is
 * generic over this declaration.
 */
public final class ResourceDef {
  public static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final String group;
  private final String version;
  private final String kind;
  private final String plural;
  private final String singular;
  private final List<String> shortNames;
  private final List<String> categories;
  private final boolean namespaced;
  private final List<String> verbs;
  private final List<Subresource> subresources;
  private final List<Column> columns;
  private final Map<String, Function<ObjectNode, String>> fields;
  private final String storagePrefix;
  private final Strategy strategy;
  private final Class<?> modelType;
  private final boolean returnDeletedObject;
  private final boolean allowCreateOnUpdate;
  private final Converter converter;
  private final java.time.Duration ttl;
  private final ObjectNode openApiSchema;

  private ResourceDef(Builder b) {
    this.group = b.group;
    this.version = b.version;
    this.kind = b.kind;
    this.plural = b.plural;
    this.singular = b.kind.toLowerCase();
    this.shortNames = List.copyOf(b.shortNames);
    this.categories = List.copyOf(b.categories);
    this.namespaced = b.namespaced;
    this.verbs = List.copyOf(b.verbs);
    this.subresources = List.copyOf(b.subresources);
    List<Column> cols = new ArrayList<>();
    if (b.exactColumns != null) {
      cols.addAll(b.exactColumns);
    } else {
      cols.add(Column.nameColumn());
      cols.addAll(b.columns);
      if (!b.ageColumnPlaced) {
        cols.add(Column.age());
      }
      cols.addAll(b.wideColumns);
    }
    this.columns = List.copyOf(cols);
    Map<String, Function<ObjectNode, String>> f = new LinkedHashMap<>();
    f.put("metadata.name", o -> Json.text(o, "metadata.name"));
    if (b.namespaced) {
      f.put("metadata.namespace", o -> Json.text(o, "metadata.namespace"));
    }
    f.putAll(b.fields);
    this.fields = Map.copyOf(f);
    this.storagePrefix = "/registry/" + (b.storageName == null ? b.plural : b.storageName) + "/";
    this.strategy = b.strategy;
    this.modelType = b.modelType;
    this.returnDeletedObject = b.returnDeletedObject;
    this.allowCreateOnUpdate = b.allowCreateOnUpdate;
    this.converter = b.converter;
    this.ttl = b.ttl;
    this.openApiSchema = b.openApiSchema;
  }

  public static Builder builder(String group, String version, String kind, String plural) {
    return new Builder(group, version, kind, plural);
  }

  public String group() {
    return group;
  }

  public String version() {
    return version;
  }

  public String kind() {
    return kind;
  }

  public String plural() {
    return plural;
  }

  public String singular() {
    return singular;
  }

  public List<String> shortNames() {
    return shortNames;
  }

  public List<String> categories() {
    return categories;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public List<String> verbs() {
    return verbs;
  }

  public List<Subresource> subresources() {
    return subresources;
  }

  public Optional<Subresource> subresource(String name) {
    return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public boolean hasStatus() {
    return subresource("status").isPresent();
  }

  public List<Column> columns() {
    return columns;
  }

  /** The selectable fields and how to read each from an object. */
  public Map<String, Function<ObjectNode, String>> fields() {
    return fields;
  }

  /** The store prefix of every object of this resource, ending with '/'. */
  public String storagePrefix() {
    return storagePrefix;
  }

  public Strategy strategy() {
    return strategy;
  }

  /** The fabric8 model class of the kind, for its schema. */
  public Class<?> modelType() {
    return modelType;
  }

  public boolean returnDeletedObject() {
    return returnDeletedObject;
  }

  public boolean allowCreateOnUpdate() {
    return allowCreateOnUpdate;
  }

  /** How objects of this version are stored; identity unless the storage is shared. */
  public Converter converter() {
    return converter;
  }

  /** How long objects live after their creation, or null when they live until deleted. */
  public java.time.Duration ttl() {
    return ttl;
  }

  /**
   * The OpenAPI v3 schema of the kind when it is not a model class's (a custom resource's, from its
   * CRD), or null.
   */
  public ObjectNode openApiSchema() {
    return openApiSchema;
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public GroupResource groupResource() {
    return new GroupResource(group, plural);
  }

  /** The store key of one object. */
  public String key(String namespace, String name) {
    return namespaced ? storagePrefix + namespace + "/" + name : storagePrefix + name;
  }

  /** The store prefix of a list: the whole resource, or one namespace of it. */
  public String listPrefix(String namespace) {
    return namespaced && namespace != null && !namespace.isEmpty()
        ? storagePrefix + namespace + "/"
        : storagePrefix;
  }

  @Override
  public String toString() {
    return groupResource() + "/" + version;
  }

  /** Declares a resource. */
  public static final class Builder {
    private final String group;
    private final String version;
    private final String kind;
    private final String plural;
    private List<String> shortNames = List.of();
    private List<String> categories = List.of();
    private boolean namespaced = true;
    private List<String> verbs = ALL_VERBS;
    private final List<Subresource> subresources = new ArrayList<>();
    private final List<Column> columns = new ArrayList<>();
    private final List<Column> wideColumns = new ArrayList<>();
    private boolean ageColumnPlaced;
    private List<Column> exactColumns;
    private final Map<String, Function<ObjectNode, String>> fields = new LinkedHashMap<>();
    private String storageName;
    private Strategy strategy = Strategy.NONE;
    private Class<?> modelType;
    private boolean returnDeletedObject;
    private boolean allowCreateOnUpdate;
    private Converter converter = Converter.IDENTITY;
    private java.time.Duration ttl;
    private ObjectNode openApiSchema;

    private Builder(String group, String version, String kind, String plural) {
      this.group = group;
      this.version = version;
      this.kind = kind;
      this.plural = plural;
    }

    public Builder shortNames(String... names) {
      this.shortNames = List.of(names);
      return this;
    }

    public Builder categories(String... names) {
      this.categories = List.of(names);
      return this;
    }

    public Builder clusterScoped() {
      this.namespaced = false;
      return this;
    }

    public Builder verbs(String... verbs) {
      this.verbs = List.of(verbs);
      return this;
    }

    public Builder subresource(Subresource s) {
      this.subresources.add(s);
      return this;
    }

    public Builder withStatus() {
      return subresource(Subresource.status(kind));
    }

    /** A column after NAME (and before AGE unless {@link #ageColumn} placed it). */
    public Builder column(Column c) {
      if (c.priority() > 0) {
        wideColumns.add(c);
      } else {
        columns.add(c);
      }
      return this;
    }

    /** Replaces the usual NAME ... AGE columns with these (events have no NAME first). */
    public Builder exactColumns(Column... cols) {
      this.exactColumns = List.of(cols);
      return this;
    }

    /** Places AGE here, instead of after the last column. */
    public Builder ageColumn() {
      columns.add(Column.age());
      ageColumnPlaced = true;
      return this;
    }

    public Builder field(String name, Function<ObjectNode, String> value) {
      fields.put(name, value);
      return this;
    }

    public Builder storage(String name) {
      this.storageName = name;
      return this;
    }

    public Builder strategy(Strategy s) {
      this.strategy = s;
      return this;
    }

    public Builder model(Class<?> type) {
      this.modelType = type;
      return this;
    }

    public Builder returnDeletedObject() {
      this.returnDeletedObject = true;
      return this;
    }

    public Builder allowCreateOnUpdate() {
      this.allowCreateOnUpdate = true;
      return this;
    }

    /** Stores objects in another version, converted by {@code c}. */
    public Builder converter(Converter c) {
      this.converter = c;
      return this;
    }

    /** Objects expire this long after their creation (events: one hour). */
    public Builder ttl(java.time.Duration d) {
      this.ttl = d;
      return this;
    }

    /** The kind's OpenAPI v3 schema, for kinds without a model class. */
    public Builder openApiSchema(ObjectNode schema) {
      this.openApiSchema = schema;
      return this;
    }

    public ResourceDef build() {
      return new ResourceDef(this);
    }
  }
}

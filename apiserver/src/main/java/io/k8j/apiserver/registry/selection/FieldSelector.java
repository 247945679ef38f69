package io.k8j.apiserver.registry.selection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A field selector ({@code metadata.name=x,status.phase!=Failed}) over the fields a kind declares
 * selectable. Parsing against a kind's fields rejects unknown field labels, as upstream does with a
 * 400.
 */
public final class FieldSelector {
  /** One term: a field, whether it must equal or differ, and the value. */
  public record Term(
      String field, boolean equal, String value, Function<ObjectNode, String> reader) {
    boolean matches(ObjectNode obj) {
      String have = reader.apply(obj);
      return equal == value.equals(have == null ? "" : have);
    }
  }

  public static final FieldSelector EVERYTHING = new FieldSelector(List.of(), "");

  private final List<Term> terms;
  private final String text;

  private FieldSelector(List<Term> terms, String text) {
    this.terms = terms;
    this.text = text;
  }

  public boolean isEmpty() {
    return terms.isEmpty();
  }

  public List<Term> terms() {
    return terms;
  }

  public boolean matches(ObjectNode obj) {
    for (Term t : terms) {
      if (!t.matches(obj)) {
        return false;
      }
    }
    return true;
  }

  /** The value a selector requires for {@code field} with '=', or null. */
  public String requiredValue(String field) {
    for (Term t : terms) {
      if (t.equal && t.field.equals(field)) {
        return t.value;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Parses a selector against the selectable fields of a kind.
   *
   * @throws IllegalArgumentException when it does not parse or names a field that is not selectable
   */
  public static FieldSelector parse(String s, Map<String, Function<ObjectNode, String>> fields) {
    if (s == null || s.isBlank()) {
      return EVERYTHING;
    }
    List<Term> terms = new ArrayList<>();
    for (String part : splitUnescaped(s, ',')) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int i;
      boolean equal;
      int opLen;
      if ((i = indexUnescaped(p, "!=")) >= 0) {
        equal = false;
        opLen = 2;
      } else if ((i = indexUnescaped(p, "==")) >= 0) {
        equal = true;
        opLen = 2;
      } else if ((i = indexUnescaped(p, "=")) >= 0) {
        equal = true;
        opLen = 1;
      } else {
        throw new IllegalArgumentException(
            "invalid selector: '" + s + "'; can't understand '" + p + "'");
      }
      String field = p.substring(0, i).trim();
      String value = unescape(p.substring(i + opLen).trim());
      Function<ObjectNode, String> reader = fields.get(field);
      if (reader == null) {
        throw new IllegalArgumentException("field label not supported: " + field);
      }
      terms.add(new Term(field, equal, value, reader));
    }
    return new FieldSelector(List.copyOf(terms), s);
  }

  private static List<String> splitUnescaped(String s, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        cur.append(c).append(s.charAt(++i));
      } else if (c == sep) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static int indexUnescaped(String s, String op) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.startsWith(op, i)) {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        sb.append(s.charAt(++i));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}

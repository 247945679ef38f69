package io.k8j.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's node selector and required node affinity, compiled, as upstream's {@code
 * nodeaffinity.RequiredNodeAffinity}: a node must match both. Invalid terms match nothing.
 */
public final class RequiredNodeAffinity {
  private final Map<String, String> nodeSelector;
  private final NodeSelectorMatcher terms;

  private RequiredNodeAffinity(Map<String, String> nodeSelector, NodeSelectorMatcher terms) {
    this.nodeSelector = nodeSelector;
    this.terms = terms;
  }

  public static RequiredNodeAffinity of(Pod pod) {
    Map<String, String> sel = pod.getSpec().getNodeSelector();
    NodeSelectorMatcher terms = null;
    Affinity a = pod.getSpec().getAffinity();
    if (a != null
        && a.getNodeAffinity() != null
        && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      terms =
          NodeSelectorMatcher.of(
              a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
    }
    return new RequiredNodeAffinity(sel == null || sel.isEmpty() ? null : sel, terms);
  }

  public boolean isEmpty() {
    return nodeSelector == null && terms == null;
  }

  public boolean matches(String nodeName, Map<String, String> nodeLabels) {
    if (nodeSelector != null) {
      for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
        if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
          return false;
        }
      }
    }
    return terms == null || terms.matches(nodeName, nodeLabels);
  }

  /**
   * The node names the required terms can only match, when every term pins {@code metadata.name}
   * with {@code In}; null otherwise (upstream's NodeAffinity pre-filter result).
   */
  public Set<String> pinnedNodeNames() {
    return terms == null ? null : terms.pinnedNodeNames();
  }

  /** Compiled node selector terms (ORed), each a conjunction of requirements. */
  public static final class NodeSelectorMatcher {
    private record Req(String key, String op, List<String> values, boolean field) {}

    private final List<List<Req>> terms;
    private final boolean invalid;

    private NodeSelectorMatcher(List<List<Req>> terms, boolean invalid) {
      this.terms = terms;
      this.invalid = invalid;
    }

    public static NodeSelectorMatcher of(NodeSelector ns) {
      List<List<Req>> terms = new ArrayList<>();
      boolean invalid = false;
      if (ns.getNodeSelectorTerms() != null) {
        for (NodeSelectorTerm t : ns.getNodeSelectorTerms()) {
          List<Req> reqs = new ArrayList<>();
          boolean empty = true;
          if (t.getMatchExpressions() != null) {
            for (NodeSelectorRequirement r : t.getMatchExpressions()) {
              empty = false;
              if (!valid(r, false)) {
                invalid = true;
              }
              reqs.add(new Req(r.getKey(), r.getOperator(), values(r), false));
            }
          }
          if (t.getMatchFields() != null) {
            for (NodeSelectorRequirement r : t.getMatchFields()) {
              empty = false;
              if (!valid(r, true)) {
                invalid = true;
              }
              reqs.add(new Req(r.getKey(), r.getOperator(), values(r), true));
            }
          }
          if (!empty) {
            terms.add(reqs);
          }
        }
      }
      return new NodeSelectorMatcher(terms, invalid);
    }

    private static List<String> values(NodeSelectorRequirement r) {
      return r.getValues() == null ? List.of() : List.copyOf(r.getValues());
    }

    private static boolean valid(NodeSelectorRequirement r, boolean field) {
      if (field) {
        return "metadata.name".equals(r.getKey())
            && ("In".equals(r.getOperator()) || "NotIn".equals(r.getOperator()))
            && r.getValues() != null
            && r.getValues().size() == 1;
      }
      return switch (r.getOperator()) {
        case "In", "NotIn" -> r.getValues() != null && !r.getValues().isEmpty();
        case "Exists", "DoesNotExist" -> r.getValues() == null || r.getValues().isEmpty();
        case "Gt", "Lt" -> r.getValues() != null && r.getValues().size() == 1;
        default -> false;
      };
    }

    public boolean matches(String nodeName, Map<String, String> labels) {
      if (invalid) {
        return false;
      }
      for (List<Req> term : terms) {
        if (termMatches(term, nodeName, labels)) {
          return true;
        }
      }
      return false;
    }

    private static boolean termMatches(
        List<Req> term, String nodeName, Map<String, String> labels) {
      for (Req r : term) {
        String v = r.field ? nodeName : labels.get(r.key);
        boolean ok =
            switch (r.op) {
              case "In" -> v != null && r.values.contains(v);
              case "NotIn" -> v == null || !r.values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              case "Gt", "Lt" -> compare(v, r.values.get(0), r.op.equals("Gt"));
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
      return true;
    }

    private static boolean compare(String v, String bound, boolean gt) {
      if (v == null) {
        return false;
      }
      try {
        long a = Long.parseLong(v);
        long b = Long.parseLong(bound);
        return gt ? a > b : a < b;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    Set<String> pinnedNodeNames() {
      if (invalid || terms.isEmpty()) {
        return null;
      }
      Set<String> names = new java.util.HashSet<>();
      for (List<Req> term : terms) {
        Set<String> termNames = null;
        for (Req r : term) {
          if (r.field && r.op.equals("In")) {
            if (termNames == null) {
              termNames = new java.util.HashSet<>(r.values);
            } else {
              termNames.retainAll(r.values);
            }
          }
        }
        if (termNames == null) {
          return null;
        }
        names.addAll(termNames);
      }
      return names;
    }
  }
}

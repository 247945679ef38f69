package io.k8j.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaScopesTest {
  private static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static final ResourceDef PODS = ResourceDef.builder("", "v1", "Pod", "pods").build();
  private static final String BEST_EFFORT = "{'spec':{'containers':[{'name':'c'}]}}";
  private static final String BURSTABLE =
      "{'spec':{'containers':[{'name':'c','resources':{'requests':{'cpu':'1'}}}]}}";
  private static final String DEADLINE =
      "{'spec':{'activeDeadlineSeconds':30,'containers':[{'name':'c'}]}}";
  private static final String HIGH =
      "{'spec':{'priorityClassName':'high','containers':[{'name':'c'}]}}";
  private static final String CROSS_NS =
      "{'spec':{'containers':[{'name':'c'}],'affinity':{'podAffinity':{"
          + "'requiredDuringSchedulingIgnoredDuringExecution':[{'topologyKey':'k',"
          + "'namespaceSelector':{}}]}}}}";

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'scopes':['BestEffort']|BEST_EFFORT|true",
        "'scopes':['BestEffort']|BURSTABLE|false",
        "'scopes':['NotBestEffort']|BURSTABLE|true",
        "'scopes':['Terminating']|DEADLINE|true",
        "'scopes':['Terminating']|BEST_EFFORT|false",
        "'scopes':['NotTerminating']|BEST_EFFORT|true",
        "'scopes':['NotTerminating','BestEffort']|DEADLINE|false",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'In','values':['high']}]}|HIGH|true",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'In','values':['high']}]}|BEST_EFFORT|false",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'NotIn','values':['high']}]}|BEST_EFFORT|true",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'NotIn','values':['high']}]}|HIGH|false",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'Exists'}]}|HIGH|true",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'Exists'}]}|BEST_EFFORT|false",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'DoesNotExist'}]}|BEST_EFFORT|true",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'DoesNotExist'}]}|HIGH|false",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'CrossNamespacePodAffinity','operator':'Exists'}]}|CROSS_NS|true",
        "'scopeSelector':{'matchExpressions':[{'scopeName':'CrossNamespacePodAffinity','operator':'Exists'}]}|BEST_EFFORT|false",
      })
  void podsMatchTheQuotasScopes(String spec, String pod, boolean matches) throws Exception {
    String podJson = (String) QuotaScopesTest.class.getDeclaredField(pod).get(null);
    ObjectNode quota = json("{'spec':{'hard':{'pods':'1'}," + spec + "}}");
    assertThat(QuotaScopes.matches(quota, PODS, json(podJson))).isEqualTo(matches);
  }
}
